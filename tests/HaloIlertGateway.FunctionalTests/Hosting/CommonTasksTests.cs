using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;
using HaloIlertGateway.FunctionalTests.Delivery;
using Microsoft.AspNetCore.Http;

namespace HaloIlertGateway.FunctionalTests.Hosting;

/// <summary>README's "Common tasks", each recipe run as written: its snippet applied, its commands run, its claims checked.</summary>
public sealed class CommonTasksTests
{
    private static readonly string Tasks = Markdown.Section(Markdown.Read("README.md"), "Common tasks");

    [Fact]
    public async Task ChangeThePriorityMapping()
    {
        var recipe = Markdown.Section(Tasks, "Change the priority mapping");
        using var cli = new GatewayCli();
        var command = Assert.Single(Markdown.GatewayCommands(recipe));

        Assert.Equal("LOW", Event(await cli.RunTransformAsync(command))["priority"]!.GetValue<string>());
        cli.ApplyToProxyJson(Assert.Single(Markdown.CodeBlocks(recipe, "json")));

        Assert.Equal("HIGH", Event(await cli.RunTransformAsync(command))["priority"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChangeTheSummary()
    {
        var recipe = Markdown.Section(Tasks, "Change the summary");
        var js = Markdown.CodeBlocks(recipe, "js");
        Assert.Equal(2, js.Count);
        var (before, after) = (js[0], js[1]);
        var commands = Markdown.GatewayCommands(recipe);
        using var cli = new GatewayCli();
        var script = Path.Combine(cli.Root, "transforms", "halopsa.js");
        Assert.Contains(before + "\n", File.ReadAllText(script), StringComparison.Ordinal);

        File.WriteAllText(script, File.ReadAllText(script).Replace(before, after, StringComparison.Ordinal));

        var run = await cli.RunTransformAsync(commands[0]);
        Assert.StartsWith("[Infrastructure] #10234 ", Event(run)["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var (failed, report, _) = await cli.RunAsync(commands[1]);
        Assert.Equal(1, failed);
        Assert.Contains("FAIL  halopsa", report, StringComparison.Ordinal);
        Assert.Contains("case \"a new critical ticket opens a HIGH alert keyed by the ticket id\"", report, StringComparison.Ordinal);

        // What the reader does next: the summaries the fixtures expect, updated; then the check passes.
        UpdateExpectedSummaries(Path.Combine(cli.Root, "transforms", "halopsa.fixtures.json"));
        var (passed, again, _) = await cli.RunAsync(commands[1]);
        Assert.True(passed == 0, again);
    }

    [Fact]
    public async Task WriteATransformOfYourOwn()
    {
        var recipe = Markdown.Section(Tasks, "Write a transform of your own");
        var commands = Markdown.GatewayCommands(recipe);
        using var cli = new GatewayCli();
        File.WriteAllText(Path.Combine(cli.Root, "transforms", "mytool.js"), Assert.Single(Markdown.CodeBlocks(recipe, "js")));

        var run = Event(await cli.RunTransformAsync(commands[0]));
        Assert.Equal(("ALERT", "HIGH", "mytool-42"), (run["eventType"]!.GetValue<string>(), run["priority"]!.GetValue<string>(), run["alertKey"]!.GetValue<string>()));
        var (exitCode, report, _) = await cli.RunAsync(commands[1]);
        Assert.True(exitCode == 0, report);
        Assert.Contains("ok    mytool", report, StringComparison.Ordinal);

        // A setting it does not declare is refused, naming it.
        cli.ApplyToProxyJson("""
            "Gateway": { "Transforms": { "mytool": { "Settings": { "highPriority": [ "Urgent" ] } } } }
            """);
        (exitCode, report, _) = await cli.RunAsync(commands[1]);
        Assert.Equal(1, exitCode);
        Assert.Contains("Gateway:Transforms:mytool:Settings:highPriority: the transform declares no such setting", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddASecondHaloPsaInstance()
    {
        var recipe = Markdown.Section(Tasks, "Add a second HaloPSA instance");
        var fragment = Assert.Single(Markdown.CodeBlocks(recipe, "json"));
        using var cli = new GatewayCli();
        cli.ApplyToProxyJson(fragment);

        var run = await cli.RunTransformAsync(Assert.Single(Markdown.GatewayCommands(recipe)));
        Assert.Equal("halopsa-eu-10234", Event(run)["alertKey"]!.GetValue<string>());

        // The gateway with the same proxy.json: status 17 resolves on the second instance only.
        await using var harness = await GatewayHarness.CreateAsync(configure: g => ProxyJson.Apply(Path.Combine(g.ContentRoot, "proxy.json"), fragment));
        const string ticket = """{"ticket":{"id":5,"summary":"Router down","status":{"id":17,"name":"Awaiting parts"}}}""";
        using (var eu = await harness.PostJsonAsync("/api/v1/events/halopsa-eu/il1hps-eu", ticket))
        using (var first = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-first", ticket))
        {
            Assert.True(eu.IsSuccessStatusCode && first.IsSuccessStatusCode, $"{eu.StatusCode}, {first.StatusCode}");
        }

        var events = (await harness.Ilert.WaitForAcceptedAsync(2)).Select(r => r.Json!).ToDictionary(e => e["alertKey"]!.GetValue<string>(), e => e["eventType"]!.GetValue<string>());
        Assert.Equal("RESOLVE", events["halopsa-eu-5"]);
        Assert.Equal("ALERT", events["halopsa-5"]);
    }

    [Fact]
    public async Task ReplayADeadLetter()
    {
        const string token = "an-admin-token-of-some-length";
        var recipe = Markdown.Section(Tasks, "Replay a dead letter");
        var curls = Markdown.Commands(Assert.Single(Markdown.CodeBlocks(recipe, "sh")));
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().Settings["Gateway:Management:Token"] = token);
        // ilert down when the ticket comes (queued), then refusing it on the retry: a dead letter.
        harness.Ilert.Respond = _ => Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        using (var queued = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-dead", """{"ticket":{"id":77,"summary":"Disk full","status":{"id":1,"name":"New"}}}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        harness.Ilert.Respond = _ => Results.Json(new { message = "invalid event" }, statusCode: StatusCodes.Status400BadRequest);
        await Eventually.TrueAsync(() => harness.Ilert.Received.Any(r => r.AnsweredStatus == StatusCodes.Status400BadRequest), "ilert's refusal of the retry");
        harness.Ilert.Respond = null;
        JsonArray list = [];
        await Eventually.TrueAsync(async () => (list = JsonNode.Parse(await SendAsync(harness, curls[0], token, id: null))!.AsArray()).Count > 0, "the dead letter listed");
        var id = Assert.Single(list)!["id"]!.GetValue<long>();
        var one = JsonNode.Parse(await SendAsync(harness, curls[1], token, id))!;
        Assert.Contains("Disk full", one.ToJsonString(), StringComparison.Ordinal);
        await SendAsync(harness, curls[2], token, id);

        var delivered = await harness.Ilert.WaitForAcceptedAsync(1);
        Assert.Equal("halopsa-77", Assert.Single(delivered).Json!["alertKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task RotateASecret()
    {
        var recipe = Markdown.Section(Tasks, "Rotate a secret");
        var secrets = Directory.CreateTempSubdirectory("rotate-").FullName;
        var fragment = Assert.Single(Markdown.CodeBlocks(recipe, "json")).Replace("/run/secrets/", secrets + "/", StringComparison.Ordinal);
        // The recipe: the new key written to halo_key_next, both accepted; then the new key written to halo_key too.
        File.WriteAllText(Path.Combine(secrets, "halo_key"), "the-old-key-of-halopsa");
        File.WriteAllText(Path.Combine(secrets, "halo_key_next"), "the-new-key-of-halopsa");
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            ProxyJson.Apply(Path.Combine(g.ContentRoot, "proxy.json"), fragment);
            g.Settings["ReverseProxy:Routes:halopsa:AuthorizationPolicy"] = "halo-inbound";
        });
        Assert.Equal(HttpStatusCode.Accepted, await PostWithKeyAsync(harness, "the-old-key-of-halopsa"));
        Assert.Equal(HttpStatusCode.Accepted, await PostWithKeyAsync(harness, "the-new-key-of-halopsa"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithKeyAsync(harness, "a-key-nobody-was-given"));
        File.WriteAllText(Path.Combine(secrets, "halo_key"), "the-new-key-of-halopsa");

        await Eventually.TrueAsync(
            async () =>
            {
                // Paced: a request every quarter second stays well inside the route's per-key limit.
                var refused = await PostWithKeyAsync(harness, "the-old-key-of-halopsa") == HttpStatusCode.Unauthorized;
                await Task.Delay(refused ? 0 : 250);
                return refused;
            },
            "the old key refused, with no restart",
            TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Accepted, await PostWithKeyAsync(harness, "the-new-key-of-halopsa"));
        Directory.Delete(secrets, recursive: true);
    }

    private static JsonObject Event(JsonObject report) => report["request"]!["body"]!.AsObject();

    private static async Task<HttpStatusCode> PostWithKeyAsync(GatewayHarness harness, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/halopsa/il1hps-rotate")
        {
            Content = new StringContent("""{"ticket":{"id":9,"summary":"s","status":{"id":1,"name":"New"}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", key);
        using var response = await harness.Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A recipe's <c>curl</c> sent as written: its method, its headers ($GATEWAY_ADMIN_TOKEN given), its path on the management port (42 being the id).</summary>
    private static async Task<string> SendAsync(GatewayHarness harness, string[] curl, string token, long? id)
    {
        Assert.Equal("curl", curl[0]);
        var method = HttpMethod.Get;
        var headers = new List<(string, string)>();
        Uri? url = null;
        for (var i = 1; i < curl.Length; i++)
        {
            switch (curl[i])
            {
                case "-s":
                    break;
                case "-X":
                    method = new HttpMethod(curl[++i]);
                    break;
                case "-H":
                    var header = curl[++i].Split(':', 2);
                    headers.Add((header[0], header[1].Trim().Replace("$GATEWAY_ADMIN_TOKEN", token, StringComparison.Ordinal)));
                    break;
                default:
                    url = new Uri(curl[i]);
                    break;
            }
        }

        Assert.Equal("http://127.0.0.1:5081/", new Uri(url!, "/").ToString());
        var path = id is { } known ? url!.AbsolutePath.Replace("/42", "/" + known, StringComparison.Ordinal) : url!.AbsolutePath;
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await harness.Management.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{string.Join(' ', curl)}: {response.StatusCode} {body}");
        return body;
    }

    private static void UpdateExpectedSummaries(string fixtures)
    {
        var document = JsonNode.Parse(File.ReadAllText(fixtures))!;
        foreach (var @case in document["cases"]!.AsArray())
        {
            if (@case!["request"]?["body"]?["ticket"]?["team"] is JsonValue team && team.GetValue<string>() is { Length: > 0 } name
                && @case["expect"]?["body"]?["summary"] is JsonValue summary)
            {
                @case["expect"]!["body"]!["summary"] = $"[{name}] {summary.GetValue<string>()}";
            }
        }

        File.WriteAllText(fixtures, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
