using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>
/// Every fixture case of every shipped transform that runs with the shipped settings and ends in an event, posted
/// through the real gateway on the tool's route in proxy.json, arrives at the fake ilert's events API as its fixture says.
/// </summary>
public sealed class ShippedRouteTests
{
    public static TheoryData<string, string> ForwardedCases() =>
        ShippedFixtures.Cases(c => c.Settings.ValueKind == JsonValueKind.Undefined && c.Expect.Body.ValueKind != JsonValueKind.Undefined && c.Expect.Path is null or "/api/events");

    [Theory]
    [MemberData(nameof(ForwardedCases))]
    public async Task EachPayloadArrivesAtTheEventsApiAsItsFixtureSays(string transform, string fixtureName)
    {
        var (_, fixture) = ShippedFixtures.Find(transform, fixtureName);
        var contentType = fixture.Request.Headers?.GetValueOrDefault("content-type") ?? "application/json";
        var body = fixture.Request.Body.ValueKind == JsonValueKind.String ? fixture.Request.Body.GetString()! : fixture.Request.Body.GetRawText();
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.PostAsync(fixture.Request.Path, body, contentType);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("POST", received.Method);
        Assert.Equal("/api/events", received.PathAndQuery);
        Assert.StartsWith("application/json", received.Header("content-type"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(fixture.Expect.Body.GetRawText()), received.Json), received.BodyText);
    }

    [Fact]
    public async Task AnAutotaskCompletionResolvesTheAlertItsCreationOpenedWithTheSignatureChecked()
    {
        var secret = "autotask-" + Guid.NewGuid().ToString("N");
        using var secrets = new SecureRoute();
        var reference = secrets.Secret("autotask-hook", secret);
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.Settings["ReverseProxy:Routes:autotask:AuthorizationPolicy"] = "autotask-hook";
            g.Settings["Gateway:InboundAuth:autotask-hook:Kind"] = "AutotaskSignature";
            g.Settings["Gateway:InboundAuth:autotask-hook:Secrets:0"] = reference;
        });
        var (_, created) = ShippedFixtures.Find("autotask", "REST webhook (TicketWebhooks, Action Create): a new ticket opens a HIGH alert keyed by its Id");
        var (_, completed) = ShippedFixtures.Find("autotask", "REST webhook (Action Update, only the changed status): Complete (5) resolves the alert");

        foreach (var step in new[] { created, completed })
        {
            var body = System.Text.Encoding.UTF8.GetBytes(step.Request.Body.GetRawText());
            using var request = new HttpRequestMessage(HttpMethod.Post, step.Request.Path) { Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } } };
#pragma warning disable CA5350 // Autotask signs with HMAC-SHA1: the sender chooses the algorithm.
            request.Headers.Add("X-Hook-Signature", "sha1=" + Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body)));
#pragma warning restore CA5350
            using var response = await harness.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var received = await harness.Ilert.WaitForAsync(2);
        Assert.Equal(["ALERT", "RESOLVE"], received.Select(r => r.Json!["eventType"]!.GetValue<string>()));
        Assert.All(received, r => Assert.Equal("autotask-29683", r.Json!["alertKey"]!.GetValue<string>()));
    }

    [Fact]
    public void EveryShippedTransformHasARouteInProxyJson()
    {
        var routes = JsonNode.Parse(File.ReadAllText(RepositoryPaths.ProxyConfig))!["ReverseProxy"]!["Routes"]!.AsObject();
        var used = routes.Select(r => r.Value?["Transforms"]?[0]?["JsTransform"]?.GetValue<string>()).OfType<string>().ToHashSet();

        // ilert's callbacks to a PSA (ilert-to-*) run on a route per PSA connection, which names the user's own PSA
        // instance and its credentials: none can ship in proxy.json (docs/connecting-ilert-callbacks.md).
        Assert.All(Directory.EnumerateFiles(RepositoryPaths.Transforms, "*.js").Select(Path.GetFileNameWithoutExtension).Where(name => !name!.StartsWith("ilert-to-", StringComparison.Ordinal)),
            name => Assert.Contains(name!, used));
    }
}
