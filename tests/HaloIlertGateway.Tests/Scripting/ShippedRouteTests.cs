using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.Tests.Scripting;

/// <summary>
/// Every fixture case of every shipped transform that runs with the shipped settings and ends in an event, posted
/// through the real gateway on the tool's route in proxy.json, arrives at the fake ilert's events API as its fixture says.
/// </summary>
public sealed class ShippedRouteTests
{
    public static TheoryData<string, string> ForwardedCases() =>
        ShippedFixtures.Cases(c => c.Settings.ValueKind == JsonValueKind.Undefined && c.Expect.Body.ValueKind != JsonValueKind.Undefined);

    [Theory]
    [MemberData(nameof(ForwardedCases))]
    public async Task EachPayloadArrivesAtTheEventsApiAsItsFixtureSays(string transform, string fixtureName)
    {
        var (_, fixture) = ShippedFixtures.Find(transform, fixtureName);
        var contentType = fixture.Request.Headers?.GetValueOrDefault("content-type") ?? "application/json";
        var body = fixture.Request.Body.ValueKind == JsonValueKind.String ? fixture.Request.Body.GetString()! : fixture.Request.Body.GetRawText();
        await using var harness = await GatewayHarness.StartAsync();

        using var response = await harness.PostAsync(fixture.Request.Path, body, contentType);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("POST", received.Method);
        Assert.Equal("/api/events", received.PathAndQuery);
        Assert.StartsWith("application/json", received.Header("content-type"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(fixture.Expect.Body.GetRawText()), received.Json), received.BodyText);
    }

    [Fact]
    public void EveryShippedTransformHasARouteInProxyJson()
    {
        var routes = JsonNode.Parse(File.ReadAllText(RepositoryPaths.ProxyConfig))!["ReverseProxy"]!["Routes"]!.AsObject();
        var used = routes.Select(r => r.Value?["Transforms"]?[0]?["JsTransform"]?.GetValue<string>()).OfType<string>().ToHashSet();

        Assert.All(Directory.EnumerateFiles(RepositoryPaths.Transforms, "*.js"), script => Assert.Contains(Path.GetFileNameWithoutExtension(script), used));
    }
}
