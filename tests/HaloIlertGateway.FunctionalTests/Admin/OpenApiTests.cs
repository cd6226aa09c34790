using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Admin;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HaloIlertGateway.FunctionalTests.Admin;

public sealed class OpenApiTests
{
    [Fact]
    public async Task TheManagementApiIsDescribedEndpointByEndpoint()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        var document = (await harness.Management.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var served = harness.Gateway.Services.GetRequiredService<ManagementServer>().RoutePatterns
            .Where(pattern => pattern.StartsWith("/_gateway", StringComparison.Ordinal))
            .Select(pattern => pattern.Replace(":long", string.Empty, StringComparison.Ordinal).TrimEnd('/'))
            .Distinct()
            .ToList();
        Assert.True(served.Count >= 12, $"only {served.Count} management endpoints found");
        Assert.All(served, path => Assert.Contains(path, paths.Select(p => p.TrimEnd('/'))));
        Assert.Equal("HaloIlertGateway management API", document["info"]!["title"]!.GetValue<string>());
    }
}
