using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Ingest;

/// <summary>
/// A body an alert route refuses is still answered with its 4xx, and kept as a <c>rejected</c> dead letter with the
/// raw body, so that ops can fix the sender's template or the transform and replay it. Nothing a client sent is lost.
/// </summary>
public sealed class RejectedBodyTests
{
    private const string Strict = """function transform(request) { request.body = { summary: request.body.title }; return request; }""";

    // The fixed version repairs what a template with an unescaped quote sends: it arrives as text on replay.
    private const string Repairing = """
        function transform(request) {
          const title = typeof request.body === "string" ? /"title":"(.*)"}/.exec(request.body)[1] : request.body.title;
          request.body = { summary: title, repaired: typeof request.body === "string" };
          return request;
        }
        """;

    private static Task<GatewayHarness> StartAsync(Action<GatewayFactory>? configure = null) =>
        GatewayHarness.CreateAsync(new Dictionary<string, string> { ["tickets"] = Strict }, g =>
        {
            g.WithTransformRoute("tickets", "tickets");
            g.Settings["ReverseProxy:Routes:tickets:Metadata:BodyFormats"] = "json";
            g.Settings["Gateway:Delivery:RatePerMinutePerKey"] = "60000";
            configure?.Invoke(g);
        });

    [Fact]
    public async Task ABodyThatIsNotJsonIsKeptAndReplayedOnceTheTransformIsFixed()
    {
        await using var harness = await StartAsync();

        // The client's query is kept as written, through the dead letter and the replay.
        const string query = "?a=1&b=x+y&a=3";
        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("tickets", "il1hps-rejected") + query, """{"title":"Printer "HP" offline"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(response);
        Assert.Equal("urn:haloilertgateway:problem:invalid-json", problem["type"]!.GetValue<string>());
        var id = problem["deadLetter"]!.GetValue<long>();
        var dead = (await harness.Management.GetFromJsonAsync<JsonObject>($"/_gateway/deadletters/{id}"))!;
        Assert.Equal("rejected", dead["kind"]!.GetValue<string>());
        Assert.StartsWith("invalid-json", dead["reason"]!.GetValue<string>());
        Assert.Equal("""{"title":"Printer "HP" offline"}""", dead["body"]!.GetValue<string>());
        Assert.DoesNotContain("il1hps-rejected", dead.ToJsonString());
        await harness.AssertNothingSentAsync();

        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tickets.js"), Repairing);
        await Eventually.TrueAsync(async () => (await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/transforms/tickets"))!["version"]!.GetValue<int>() == 2, "the fixed transform");
        using var replay = await harness.Management.PostAsync($"/_gateway/deadletters/{id}/replay", null);
        Assert.Equal("queued", (await replay.Content.ReadFromJsonAsync<JsonObject>())!["outcome"]!.GetValue<string>());

        var delivered = Assert.Single(await harness.Ilert.WaitForAcceptedAsync(1));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"summary":"Printer \"HP\" offline","repaired":true}"""), delivered.Json));
        Assert.EndsWith(query, delivered.PathAndQuery, StringComparison.Ordinal);
        Assert.Empty((await harness.Management.GetFromJsonAsync<JsonArray>("/_gateway/deadletters"))!);
    }

    [Fact]
    public async Task ABodyOfAMediaTypeTheRouteDoesNotTakeIsKept()
    {
        await using var harness = await StartAsync();

        using var response = await harness.PostAsync(TestRoutes.PathOf("tickets", "il1hps-rejected"), "title=Printer+offline", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var dead = Assert.Single((await harness.Management.GetFromJsonAsync<JsonArray>("/_gateway/deadletters"))!)!;
        Assert.Equal("rejected", dead["kind"]!.GetValue<string>());
        Assert.StartsWith("unsupported-media-type", dead["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABodyOverTheRoutesLimitIsKeptUpToItsCapAndCounted()
    {
        await using var harness = await StartAsync(g =>
        {
            g.Settings["ReverseProxy:Routes:tickets:Metadata:MaxRequestBodyBytes"] = "2048";
            g.Settings["Gateway:Delivery:MaxRejectedBodyBytes"] = "1024";
        });
        var body = $$"""{"title":"{{new string('x', 4000)}}"}""";

        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("tickets", "il1hps-rejected"), body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var id = (await GatewayHarness.ReadProblemAsync(response))["deadLetter"]!.GetValue<long>();
        var dead = (await harness.Management.GetFromJsonAsync<JsonObject>($"/_gateway/deadletters/{id}"))!;
        Assert.Contains($"the first 1024 of {Encoding.UTF8.GetByteCount(body)} bytes kept", dead["reason"]!.GetValue<string>());
        Assert.Equal(body[..1024], dead["body"]!.GetValue<string>());
        var metrics = string.Empty;
        await Eventually.TrueAsync(async () =>
        {
            metrics = await harness.Management.GetStringAsync("/metrics");
            return metrics.Contains("gateway_delivery_rejected_requests_total", StringComparison.Ordinal);
        }, "the rejected-requests counter on /metrics", TimeSpan.FromSeconds(20));
        Assert.Matches("""gateway_delivery_rejected_requests_total\{[^}]*kind="payload-too-large"[^}]*\} [1-9]""", metrics);
    }
}
