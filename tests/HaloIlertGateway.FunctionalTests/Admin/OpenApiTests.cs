using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Admin;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.FunctionalTests.Admin;

public sealed class OpenApiTests
{
    [Fact]
    public async Task TheManagementApiIsDescribedEndpointByEndpoint()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        var document = (await harness.Management.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var served = ManagementRoutePatterns(harness.Gateway.Services)
            .Where(pattern => pattern.StartsWith("/_gateway", StringComparison.Ordinal))
            .Select(pattern => pattern.Replace(":long", string.Empty, StringComparison.Ordinal).TrimEnd('/'))
            .Distinct()
            .ToList();
        Assert.True(served.Count >= 12, $"only {served.Count} management endpoints found");
        Assert.All(served, path => Assert.Contains(path, paths.Select(p => p.TrimEnd('/'))));
        Assert.Equal("HaloIlertGateway management API", document["info"]!["title"]!.GetValue<string>());
    }

    /// <summary>The route patterns of the management API, mapped by the same calls the management server makes, on an app of the test's own.</summary>
    private static List<string> ManagementRoutePatterns(IServiceProvider gateway)
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        TransformEndpoints.Map(app, gateway);
        DeliveryEndpoints.Map(app, gateway);
        OperatorEndpoints.Map(app, gateway, gateway.GetRequiredService<IOptions<ManagementOptions>>().Value);
        return [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().Select(endpoint => endpoint.RoutePattern.RawText ?? string.Empty)];
    }
}
