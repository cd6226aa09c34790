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

    [Fact]
    public async Task TheAuditTrailIsDescribedAsAPageOfEntriesWithTheNextPagesStart()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        var document = (await harness.Management.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

        var audit = document["paths"]!["/_gateway/audit"]!["get"]!;
        var parameters = audit["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>());
        Assert.Equal(["limit", "before", "actor", "action", "since", "until"], parameters);
        var page = audit["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>().Split('/')[^1];
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal(["entries", "next"], schemas[page]!["properties"]!.AsObject().Select(p => p.Key));
        var entry = schemas[page]!["properties"]!["entries"]!["items"]!["$ref"]!.GetValue<string>().Split('/')[^1];
        Assert.Equal(["id", "at", "actor", "action", "target", "address", "status", "outcome", "detail"], schemas[entry]!["properties"]!.AsObject().Select(p => p.Key));
    }

    /// <summary>The route patterns of the management API, mapped by the same calls the management server makes, on an app of the test's own.</summary>
    private static List<string> ManagementRoutePatterns(IServiceProvider gateway)
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        TransformEndpoints.Map(app, gateway);
        DeliveryEndpoints.Map(app, gateway);
        OperatorEndpoints.Map(app, gateway, gateway.GetRequiredService<IOptions<ManagementOptions>>().Value);
        AuditEndpoints.Map(app, gateway);
        return [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().Select(endpoint => endpoint.RoutePattern.RawText ?? string.Empty)];
    }
}
