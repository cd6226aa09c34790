using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Admin;

public sealed class ManagementEndpointTests
{
    private const string NewTicket = """{"ticket":{"id":7,"summary":"Disk full","status":{"id":1,"name":"New"},"priority":{"id":1,"name":"Critical"}}}""";

    [Fact]
    public async Task TransformStatusListsTheLiveVersionWithItsHashAndFixtureResults()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        var status = await harness.Management.GetFromJsonAsync<JsonArray>("/_gateway/transforms");

        var halopsa = Assert.Single(status!, s => s!["name"]!.GetValue<string>() == "halopsa")!;
        Assert.True(halopsa["serving"]!.GetValue<bool>());
        Assert.Equal(1, halopsa["version"]!.GetValue<int>());
        Assert.Equal(64, halopsa["sha256"]!.GetValue<string>().Length);
        Assert.True(halopsa["fixturesPassed"]!.GetValue<int>() > 0);
        Assert.Equal(0, halopsa["fixturesFailed"]!.GetValue<int>());
        Assert.Null(halopsa["lastError"]);
    }

    [Fact]
    public async Task TheTestEndpointRunsAPayloadThroughTheLiveScriptAndForwardsNothing()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.Management.PostAsJsonAsync("/_gateway/transforms/halopsa/test", new
        {
            request = new { path = "/api/v1/events/halopsa/il1hps-test", @params = new { integrationKey = "il1hps-test" }, body = JsonNode.Parse(NewTicket) },
        });

        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("forwarded", result["outcome"]!.GetValue<string>());
        Assert.Equal(1, result["version"]!.GetValue<int>());
        Assert.Equal("/api/events", result["request"]!["path"]!.GetValue<string>());
        Assert.Equal("halopsa-7", result["request"]!["body"]!["alertKey"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }

    [Fact]
    public async Task ASubmittedScriptRunsWithMockSettingsAndReturnsItsLogs()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        const string script = """
            function transform(request, context) {
              context.log("tenant", context.settings.tenant);
              if (context.settings.tenant === "skip") { return context.drop("tenant skipped"); }
              request.body = { tenant: context.settings.tenant };
              return request;
            }
            """;

        using var response = await harness.Management.PostAsJsonAsync("/_gateway/transforms/halopsa/test", new
        {
            script,
            settings = new { tenant = "skip" },
            request = new { body = new { } },
        });

        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("dropped", result["outcome"]!.GetValue<string>());
        Assert.Equal("tenant skipped", result["reason"]!.GetValue<string>());
        Assert.Equal("tenant skip", Assert.Single(result["logs"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task ASubmittedScriptThatDoesNotCompileReportsItsLineAndColumn()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.Management.PostAsJsonAsync("/_gateway/transforms/halopsa/test", new
        {
            script = "function transform(request) {\n  return request +;\n}",
            request = new { body = new { } },
        });

        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("compile", error["stage"]!.GetValue<string>());
        Assert.Equal(2, error["line"]!.GetValue<int>());
        Assert.Equal(19, error["column"]!.GetValue<int>());
    }

    [Fact]
    public async Task ManagementPathsAreNotServedOnThePublicPortAndNotForwarded()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var list = await harness.Client.GetAsync("/_gateway/transforms");
        using var test = await harness.PostJsonAsync("/_gateway/transforms/halopsa/test", """{"request":{"body":{}}}""");

        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, test.StatusCode);
        await harness.AssertNothingSentAsync();
    }

    [Fact]
    public async Task WithATokenConfiguredEveryManagementRequestMustCarryIt()
    {
        const string token = "a-management-token-of-some-length";
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Management:Token"] = token);

        using var without = await harness.Management.GetAsync("/_gateway/transforms");
        using var wrong = await Send(harness.Management, "a-management-token-of-some-lengtX");
        using var right = await Send(harness.Management, token);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.DoesNotContain(token, await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OutsideDemoModeTheDemoReceiversPathIsClosedLikeAnyOther()
    {
        const string token = "a-management-token-of-some-length";
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Management:Token"] = token);

        using var response = await harness.Management.PostAsync("/_demo/ilert/api/events", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BindingTheManagementPortBeyondLoopbackWithoutATokenStopsStartup()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Management:Urls"] = "http://0.0.0.0:0");

        Assert.Contains("Gateway:Management:Token", harness.StartupError());
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/_gateway/transforms");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }
}
