using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.FunctionalTests.Delivery;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>Ops edit a transform while events flow: each request is served whole by the old or the new version, never a mix, never an error.</summary>
[Collection(TimingTests.Name)]
public sealed class HotReloadTests
{
    /// <summary>
    /// Each version goes live in about a second (the watcher's debounce and a 200 ms poll) and the test waits for every one
    /// of 21 in turn; the bound is loose because at load 24 on two cores (seen) a file event and a compile took longer
    /// than 2 s: it catches a version that never goes live, not a slow one.
    /// </summary>
    private static readonly TimeSpan LiveWithin = TimeSpan.FromSeconds(15);
    private static readonly string[] Routes = ["edited", "mounted"];

    /// <summary>Version <paramref name="version"/> of a transform: its body names the version twice, so a mix would show.</summary>
    private static string Versioned(int version) => $$"""
        function transform(request, context) {
          const version = {{version}};
          request.body = { version: version, check: "v" + version };
          return request;
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ScriptsRewrittenWhileEventsFlowServeTheOldOrNewVersionAndEachGoesLive(bool polling)
    {
        await using var harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["edited"] = Versioned(0) },
            g =>
            {
                g.WithFastRetries().WithTransformRoute("edited", "edited").WithTransformRoute("mounted", "mounted");
                g.Settings["Gateway:Scripting:UsePollingWatcher"] = polling.ToString();
                g.Settings["Gateway:Scripting:PollingIntervalMilliseconds"] = "200";
            });
        var edited = Path.Combine(harness.Gateway.TransformsDirectory, "edited.js");
        var mounted = Path.Combine(harness.Gateway.TransformsDirectory, "mounted.js");
        ScriptFiles.WriteViaSymlinkSwap(mounted, Versioned(0), 0);

        var statuses = new ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var senders = Routes.Select(route => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await harness.PostJsonAsync(TestRoutes.PathOf(route, "il1hps-reload"), "{}");
                statuses.Add(response.StatusCode);
                await Task.Delay(5); // a steady flow (~150 events/s per route), not a CPU-bound spin
            }
        })).ToArray();

        for (var version = 1; version <= 21; version++)
        {
            // In turn: in place, temp file + rename, and a ConfigMap-style symlink swap of the other script.
            switch (version % 3)
            {
                case 1:
                    ScriptFiles.WriteInPlace(edited, Versioned(version));
                    await WaitUntilForwardedAsync(harness, "edited", version);
                    break;
                case 2:
                    ScriptFiles.WriteViaRename(edited, Versioned(version));
                    await WaitUntilForwardedAsync(harness, "edited", version);
                    break;
                default:
                    ScriptFiles.WriteViaSymlinkSwap(mounted, Versioned(version), version);
                    await WaitUntilForwardedAsync(harness, "mounted", version);
                    break;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(senders);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Accepted, status));
        Assert.All(harness.Ilert.Received, received =>
        {
            var body = received.Json!;
            Assert.Equal("v" + body["version"]!.GetValue<int>(), body["check"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task AScriptWithASyntaxErrorLeavesThePreviousVersionServingAndStatusShowsTheLine()
    {
        await using var harness = await StartServingVersionOneAsync();

        ScriptFiles.WriteViaRename(Path.Combine(harness.Gateway.TransformsDirectory, "edited.js"), "function transform(request, context) {\n  request.body = { version: 2 ;\n  return request;\n}\n");
        var error = await WaitForErrorAsync(harness, "edited");

        Assert.Equal(2, error["line"]!.GetValue<int>());
        Assert.EndsWith("edited.js", error["file"]!.GetValue<string>());
        await AssertServesVersionAsync(harness, 1);
    }

    [Fact]
    public async Task AScriptThatFailsItsOwnFixtureIsNotActivated()
    {
        await using var harness = await StartServingVersionOneAsync();
        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "edited.fixtures.json"), """
            { "cases": [ { "name": "an empty body is refused", "request": { "body": {} }, "expect": { "body": { "version": 2, "check": "v2" } } } ] }
            """);

        ScriptFiles.WriteViaRename(Path.Combine(harness.Gateway.TransformsDirectory, "edited.js"), """
            function transform(request, context) {
              if (Object.keys(request.body).length === 0) {
                throw new Error("empty body");
              }
              return request;
            }
            """);
        var error = await WaitForErrorAsync(harness, "edited");

        Assert.Equal(3, error["line"]!.GetValue<int>());
        Assert.Contains("an empty body is refused", error["message"]!.GetValue<string>());
        await AssertServesVersionAsync(harness, 1);
    }

    [Fact]
    public async Task ARouteAddedToProxyJsonIsServedWithoutARestartAndABrokenEditKeepsTheOldConfig()
    {
        await using var harness = await GatewayHarness.CreateAsync(new Dictionary<string, string> { ["edited"] = Versioned(5) });
        using (var before = await harness.PostJsonAsync("/api/v1/events/added/il1hps-added", "{}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode); // passthrough: the body arrives unchanged
        }

        var proxyJson = Path.Combine(harness.Gateway.ContentRoot, "proxy.json");
        var config = JsonNode.Parse(File.ReadAllText(proxyJson))!;
        config["ReverseProxy"]!["Routes"]!["added"] = JsonNode.Parse("""
            { "ClusterId": "ilert", "Order": 1, "Match": { "Path": "/api/v1/events/added/{integrationKey}" }, "Transforms": [ { "JsTransform": "edited" } ], "Metadata": { "Delivery": "Durable" } }
            """);
        ScriptFiles.WriteViaRename(proxyJson, config.ToJsonString());
        await Eventually.TrueAsync(async () =>
        {
            using var response = await harness.PostJsonAsync("/api/v1/events/added/il1hps-added", "{}");
            return harness.Ilert.Received.Any(r => r.Json?["version"]?.GetValue<int>() == 5);
        }, "the added route to serve the transform");

        config["ReverseProxy"]!["Routes"]!["added"]!["Transforms"]![0]!["JsTransform"] = "no-such-transform";
        ScriptFiles.WriteViaRename(proxyJson, config.ToJsonString());
        await Eventually.TrueAsync(() => Task.FromResult(harness.Gateway.Logs.AllText.Contains("no-such-transform.js: no such transform", StringComparison.Ordinal)), "the rejected config to be logged");

        var countBefore = harness.Ilert.Received.Count;
        using var after = await harness.PostJsonAsync("/api/v1/events/added/il1hps-added", "{}");
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        var last = (await harness.Ilert.WaitForAsync(countBefore + 1))[^1];
        Assert.Equal(5, last.Json!["version"]!.GetValue<int>());
    }

    private static async Task WaitUntilForwardedAsync(GatewayHarness harness, string route, int version) =>
        await Eventually.TrueAsync(
            () => Task.FromResult(harness.Ilert.Received.Any(r => r.Path == "/api/v1/events/" + route + "/il1hps-reload" && r.Json?["version"]?.GetValue<int>() == version)),
            $"version {version} of {route} to serve",
            LiveWithin);

    private static async Task<GatewayHarness> StartServingVersionOneAsync()
    {
        var harness = await GatewayHarness.CreateAsync(new Dictionary<string, string> { ["edited"] = Versioned(1) }, g => g.WithTransformRoute("edited", "edited"));
        await AssertServesVersionAsync(harness, 1);
        return harness;
    }

    private static async Task AssertServesVersionAsync(GatewayHarness harness, int version)
    {
        using var response = await harness.PostJsonAsync(TestRoutes.PathOf("edited", "il1hps-edit"), "{}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(version, harness.Ilert.Received.Last().Json!["version"]!.GetValue<int>());
    }

    private static async Task<JsonNode> WaitForErrorAsync(GatewayHarness harness, string name)
    {
        JsonNode? error = null;
        await Eventually.TrueAsync(async () =>
        {
            var status = await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/transforms/" + name);
            error = status!["lastError"];
            return error is not null;
        }, $"the status of {name} to show an error");
        return error!;
    }
}
