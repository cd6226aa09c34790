using System.Net;
using System.Net.Http.Json;
using System.Text;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Admin;

/// <summary>
/// Named management users, each with a role: what each role may call, over real HTTP on the management port; a token
/// given as a reference; every mistake in their configuration refusing the start; and no token ever said.
/// </summary>
public sealed class ManagementUsersTests
{
    private const string ReaderToken = "rita-reads-everything-token";
    private const string OperatorToken = "otto-operates-dead-letters";
    private const string EditorToken = "edna-edits-the-transforms";
    private const string ProbeToken = "probes-read-only-token-x";

    private static readonly string[] Tokens = [ReaderToken, OperatorToken, EditorToken, ProbeToken];

    private static readonly (HttpMethod Method, string Path)[] Calls =
        [(HttpMethod.Get, "/_gateway/info"), (HttpMethod.Post, "/_gateway/deadletters/replay"), (HttpMethod.Put, "/_gateway/transforms/tickets/source")];

    [Fact]
    public async Task AReadUserGetsEveryGetAndATestRunButNoStateChange()
    {
        await using var harness = await StartAsync();

        foreach (var path in (string[])["/_gateway/deadletters", "/_gateway/transforms", "/_gateway/transforms/tickets/source", "/_gateway/routes", "/_gateway/delivery"])
        {
            using var get = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Get, path, ReaderToken);
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"{path}: {get.StatusCode}");
        }

        using var test = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Post, "/_gateway/transforms/tickets/test", ReaderToken,
            JsonContent.Create(new { request = new { body = new { title = "t" } } }));
        using var replay = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Post, "/_gateway/deadletters/replay", ReaderToken);
        using var save = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Put, "/_gateway/transforms/tickets/source", ReaderToken, Script("v2"));
        using var forget = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Delete, "/_gateway/keys/refused", ReaderToken);

        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(replay);
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        Assert.Equal("urn:haloilertgateway:problem:forbidden", problem["type"]!.GetValue<string>());
        Assert.Equal("POST /_gateway/deadletters/replay needs the role operate; rita has the role read.", problem["detail"]!.GetValue<string>());
        Assert.Equal(("rita", "read", "operate"), (problem["user"]!.GetValue<string>(), problem["role"]!.GetValue<string>(), problem["requiredRole"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        Assert.Equal("edit", (await GatewayHarness.ReadProblemAsync(save))["requiredRole"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, forget.StatusCode);
        var info = await ManagementCalls.InfoAsync(harness.Management, ReaderToken);
        Assert.Equal("""{"name":"rita","role":"read"}""", info["user"]!.ToJsonString());
        Assert.False(info["canSave"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AnOperateUserReplaysAndDeletesDeadLettersButMayNotSaveAScript()
    {
        await using var harness = await StartAsync();
        var first = await DeadLetterAsync(harness);
        var second = await DeadLetterAsync(harness);

        using var replay = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Post, $"/_gateway/deadletters/{first}/replay", OperatorToken);
        using var delete = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Delete, $"/_gateway/deadletters/{second}", OperatorToken);
        using var save = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Put, "/_gateway/transforms/tickets/source", OperatorToken, Script("v2"));

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        Assert.Equal("PUT /_gateway/transforms/tickets/source needs the role edit; otto has the role operate.",
            (await GatewayHarness.ReadProblemAsync(save))["detail"]!.GetValue<string>());
        Assert.DoesNotContain("v2", File.ReadAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tickets.js")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEditUserSavesAScript()
    {
        await using var harness = await StartAsync();

        var info = await ManagementCalls.InfoAsync(harness.Management, EditorToken);
        using var save = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Put, "/_gateway/transforms/tickets/source", EditorToken, Script("v2"));

        Assert.True(info["canSave"]!.GetValue<bool>());
        Assert.Equal("""{"name":"edna","role":"edit"}""", info["user"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, save.StatusCode);
        Assert.Contains("v2", File.ReadAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tickets.js")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUsersTokenMayBeAReferenceToTheEnvironment()
    {
        var variable = "GATEWAY_TEST_OPS_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "a-token-only-the-environment-holds");
        try
        {
            await using var harness = await GatewayHarness.CreateAsync(configure: g =>
            {
                g.Settings["Gateway:Management:Users:ops:Token"] = "env:" + variable;
                g.Settings["Gateway:Management:Users:ops:Role"] = "operate";
            });

            var info = await ManagementCalls.InfoAsync(harness.Management, "a-token-only-the-environment-holds");
            using var byName = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Get, "/_gateway/info", "env:" + variable);

            Assert.Equal("""{"name":"ops","role":"operate"}""", info["user"]!.ToJsonString());
            Assert.Equal(HttpStatusCode.Unauthorized, byName.StatusCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task EveryMistakeInTheUsersStopsTheStartNamingItsSettingAndNoToken()
    {
        const string shared = "a-token-given-to-two-users";
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            AddUser(g, "alice", "short-token", "read");
            AddUser(g, "bob", shared, "operate");
            AddUser(g, "carol", shared, "edit");
            AddUser(g, "dave", "daves-token-is-long-enough", "root");
        });

        var error = harness.StartupError();

        Assert.Contains("Gateway:Management:Users:alice:Token is shorter than 16 characters: a token needs at least 16.", error, StringComparison.Ordinal);
        Assert.Contains("Gateway:Management:Users:bob:Token and Gateway:Management:Users:carol:Token are the same token", error, StringComparison.Ordinal);
        Assert.Contains("Gateway:Management:Users:dave:Role: 'root' is not a role; the roles are read, operate, edit or admin.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("short-token", error, StringComparison.Ordinal);
        Assert.DoesNotContain(shared, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReadTokenStillOpensOnlyTheProbes()
    {
        await using var harness = await StartAsync();

        using var metrics = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Get, "/metrics", ProbeToken);
        using var info = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Get, "/_gateway/info", ProbeToken);
        using var routes = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Get, "/_gateway/routes", ProbeToken);
        using var anonymous = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Get, "/metrics", null);
        using var reader = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Get, "/metrics", ReaderToken);

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, info.StatusCode);
        Assert.Equal("The read-only token opens /healthz, /readyz and /metrics only.", (await GatewayHarness.ReadProblemAsync(routes))["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, reader.StatusCode);
    }

    [Fact]
    public async Task NoTokenIsEverInTheLogsOrAnAnswerAndRefusalsAreLoggedByName()
    {
        await using var harness = await StartAsync(g => g.LogEverything());
        var answers = new StringBuilder();

        foreach (var token in Tokens.Append("an-unknown-token-of-length"))
        {
            foreach (var (method, path) in Calls)
            {
                using var response = await ManagementCalls.SendAsync(harness.Management, method, path, token, method == HttpMethod.Put ? Script("v3") : null);
                answers.Append(response.Headers).Append(await response.Content.ReadAsStringAsync());
            }
        }

        await Eventually.TrueAsync(() => harness.Gateway.Logs.AllText.Contains("Management request refused: rita (role read) may not POST /_gateway/deadletters/replay, which needs the role operate", StringComparison.Ordinal),
            "the refusal in the log");
        foreach (var token in Tokens)
        {
            Assert.DoesNotContain(token, harness.Gateway.Logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(token, answers.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>A gateway with a read, an operate and an edit user, a read-only token, and a route whose bodies must be JSON.</summary>
    private static Task<GatewayHarness> StartAsync(Action<GatewayFactory>? configure = null) =>
        GatewayHarness.CreateAsync(new Dictionary<string, string> { ["tickets"] = "function transform(request) { return request; }" }, g =>
        {
            g.WithTransformRoute("tickets", "tickets");
            g.Settings["ReverseProxy:Routes:tickets:Metadata:BodyFormats"] = "json";
            g.Settings["Gateway:Management:ReadToken"] = ProbeToken;
            AddUser(g, "rita", ReaderToken, "read");
            AddUser(g, "otto", OperatorToken, "operate");
            AddUser(g, "edna", EditorToken, "Edit");
            configure?.Invoke(g);
        });

    private static void AddUser(GatewayFactory gateway, string name, string token, string role)
    {
        gateway.Settings[$"Gateway:Management:Users:{name}:Token"] = token;
        gateway.Settings[$"Gateway:Management:Users:{name}:Role"] = role;
    }

    /// <summary>A body the route refuses (not JSON), kept as a <c>rejected</c> dead letter: its id.</summary>
    private static async Task<long> DeadLetterAsync(GatewayHarness harness)
    {
        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("tickets", "il1hps-users"), "not json");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await GatewayHarness.ReadProblemAsync(response))["deadLetter"]!.GetValue<long>();
    }

    private static StringContent Script(string marker) =>
        new($"function transform(request) {{ request.body = {{ marker: \"{marker}\" }}; return request; }}", Encoding.UTF8, "text/javascript");
}
