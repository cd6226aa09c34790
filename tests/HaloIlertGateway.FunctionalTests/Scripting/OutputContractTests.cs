using System.Net;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>
/// What a transform returns is held to one contract whether the route forwards it at once (YARP) or stores it and
/// sends it later (durable delivery): a header that would split the request or a path that escapes is refused on
/// both, a valid one arrives the same on both, and the method is sent in upper case.
/// </summary>
public sealed class OutputContractTests
{
    private const string Script = """
        function transform(request) {
          switch (request.body.do) {
            case "crlf": request.headers["x-note"] = "a\r\nGET /admin HTTP/1.1\r\nX-Smuggled: yes"; return request;
            case "dots": request.path = "/api/%2e%2e/%2e%2e/admin"; return request;
            case "slash": request.path = "/api/a%2Fb"; return request;
            case "path": request.path = "/api/events"; request.headers["x-note"] = "plain"; request.body = { ok: true }; return request;
            case "query": request.query["added"] = "a b"; delete request.query["gone"]; return request;
            case "echo-query": request.body = { region: request.query.region }; return request;
            case "copy-query": request.query = Object.assign({}, request.query); return request;
            default: request.body = { method: request.method }; return request;
          }
        }
        """;

    private static Task<GatewayHarness> StartAsync(bool durable) =>
        GatewayHarness.CreateAsync(new Dictionary<string, string> { ["contract"] = Script },
            g => g.WithTransformRoute("contract", "contract", direct: !durable).Settings["Gateway:Delivery:RatePerMinutePerKey"] = "60000");

    public static TheoryData<bool, string> Refusals() => new()
    {
        { false, "crlf" }, { true, "crlf" }, { false, "dots" }, { true, "dots" }, { false, "slash" }, { true, "slash" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AnUnsafeHeaderOrPathIsRefusedOnDirectAndDurableRoutesAlike(bool durable, string what)
    {
        await using var harness = await StartAsync(durable);

        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("contract", "il1hps-contract"), $$"""{"do":"{{what}}"}""");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(response);
        Assert.Equal("urn:haloilertgateway:problem:transform-failed", problem["type"]!.GetValue<string>());
        // A durable route keeps the raw request as a dead letter; nothing is stored to be sent.
        Assert.Equal(durable, problem["deadLetter"] is not null);
        await harness.AssertNothingSentAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AValidPathAndHeaderArriveTheSameOnDirectAndDurableRoutes(bool durable)
    {
        await using var harness = await StartAsync(durable);

        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("contract", "il1hps-contract"), """{"do":"path"}""");

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("/api/events", received.PathAndQuery);
        Assert.Equal("plain", received.Headers["x-note"]);
    }

    [Theory]
    [InlineData(false, "{}")]
    [InlineData(true, "{}")]
    [InlineData(false, """{"do":"copy-query"}""")]
    [InlineData(true, """{"do":"copy-query"}""")]
    public async Task AQueryTheScriptLeavesOrCopiesUnchangedIsSentAsTheClientWroteIt(bool durable, string body)
    {
        await using var harness = await StartAsync(durable);
        const string query = "?a=1&b=x+y&a=3&C=%2B&empty=";

        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("contract", "il1hps-contract") + query, body);

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.EndsWith(query, received.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AQueryAYarpTransformBeforeTheScriptChangedIsWhatTheScriptSeesAndWhatIsSent(bool durable)
    {
        // ops may put YARP's own query transforms before the script's on a route.
        await using var harness = await GatewayHarness.CreateAsync(new Dictionary<string, string> { ["contract"] = Script }, g =>
        {
            g.WithTransformRoute("contract", "contract", direct: !durable).Settings["Gateway:Delivery:RatePerMinutePerKey"] = "60000";
            g.Settings.Remove("ReverseProxy:Routes:contract:Transforms:0:JsTransform");
            g.Settings["ReverseProxy:Routes:contract:Transforms:0:QueryValueParameter"] = "region";
            g.Settings["ReverseProxy:Routes:contract:Transforms:0:Append"] = "eu";
            g.Settings["ReverseProxy:Routes:contract:Transforms:1:JsTransform"] = "contract";
        });

        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("contract", "il1hps-contract") + "?a=1", """{"do":"echo-query"}""");

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.EndsWith("?a=1&region=eu", received.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("eu", received.Json!["region"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AQueryTheScriptChangesIsSentAsTheScriptLeftIt(bool durable)
    {
        await using var harness = await StartAsync(durable);

        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("contract", "il1hps-contract") + "?kept=1&gone=2", """{"do":"query"}""");

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.EndsWith("?kept=1&added=a%20b", received.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ALowerCaseMethodIsSeenStoredAndSentInUpperCase(bool durable)
    {
        await using var harness = await StartAsync(durable);
        _ = harness.Client;

        // HttpClient sends a known method in upper case whatever it is given: a raw request is needed to send "post".
        var context = await harness.Gateway.Server.SendAsync(http =>
        {
            http.Request.Method = "post";
            http.Request.Path = TestRoutes.PathOf("contract", "il1hps-contract");
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = 2;
            http.Request.Body = new MemoryStream("{}"u8.ToArray());
        });

        Assert.True(context.Response.StatusCode is >= 200 and < 300, $"{context.Response.StatusCode}");
        // .NET's HTTP client writes a known method in upper case on the wire anyway; what the script sees and what is
        // stored (and shown in the outbox and dead letters) is the gateway's own spelling.
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("POST", received.Method);
        Assert.Equal("POST", received.Json!["method"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false, """{"a":"\ud800"}""")]
    [InlineData(true, """{"a":"\ud800"}""")]
    [InlineData(false, """{"\udc00":1}""")]
    [InlineData(true, """{"ok":"x\udfffy"}""")]
    public async Task ALoneSurrogateInTheBodyIsAPreciseBadRequest(bool durable, string body)
    {
        await using var harness = await StartAsync(durable);

        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("contract", "il1hps-contract"), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(response);
        Assert.Equal("urn:haloilertgateway:problem:invalid-json", problem["type"]!.GetValue<string>());
        Assert.Contains("lone surrogate", problem["detail"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }
}
