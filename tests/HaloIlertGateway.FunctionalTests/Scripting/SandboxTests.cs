using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>
/// A script that loops, backtracks, allocates, recurses, compiles strings or reaches for the CLR is stopped, the
/// client gets a problem+json within about a second, and the next request through the same route succeeds.
/// </summary>
public sealed class SandboxTests : IAsyncLifetime
{
    private GatewayHarness _harness = null!;

    public static TheoryData<string, string, string?> Attacks() => new()
    {
        // A bare loop or getter meets the statement limit or the time limit first, as the machine's speed decides.
        { "loop", "transform-limit", "statements|timeout" },
        { "busy", "transform-limit", "timeout" },
        { "regex", "transform-limit", "regex-timeout" },
        { "memory", "transform-limit", "memory" },
        { "recursion", "transform-limit", "recursion" },
        { "getter", "transform-limit", "statements|timeout" },
        { "eval", "transform-failed", null },
        { "function", "transform-failed", null },
        { "clr", "transform-failed", null },
        { "import", "transform-failed", null },
        { "throw", "transform-failed", null },
        { "protected", "transform-failed", null },
        { "method", "transform-failed", null },
        { "path", "transform-failed", null },
        { "undefined", "transform-failed", null },
        // Settings are shared by the runs of an engine: frozen, so that no run changes what the next one sees.
        { "settings", "transform-failed", null },
    };

    public async Task InitializeAsync() =>
        _harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["attacks"] = SandboxScripts.Attacks },
            g => g.WithTransformRoute("sandbox", "attacks"));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task AMisbehavingScriptIsStoppedWithAProblemAndTheNextRequestSucceeds(string attack, string problemType, string? limit)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await _harness.PostJsonAsync(TestRoutes.PathOf("sandbox", "il1hps-sandbox"), $$"""{"attack":"{{attack}}"}""");
        stopwatch.Stop();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(response);
        Assert.Equal("urn:haloilertgateway:problem:" + problemType, problem["type"]!.GetValue<string>());
        Assert.Equal(limit is null, problem["limit"] is null);
        Assert.Contains(problem["limit"]?.GetValue<string>() ?? string.Empty, (limit ?? string.Empty).Split('|'));
        Assert.Equal("attacks", problem["transform"]!.GetValue<string>());
        // The sandbox's own limits are 250 ms and 100 ms; this bound only catches a script that is never stopped, and
        // is far from them because a loaded machine (load 24 on two cores, seen) stretches every wall-clock time.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}");
        await _harness.AssertNothingSentAsync();

        using var next = await _harness.PostJsonAsync(TestRoutes.PathOf("sandbox", "il1hps-sandbox"), """{"attack":"none"}""");
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        var received = Assert.Single(await _harness.Ilert.WaitForAsync(1));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ok":true}"""), received.Json));
    }

    [Fact]
    public async Task AScriptErrorNamesItsLineAndColumn()
    {
        using var response = await _harness.PostJsonAsync(TestRoutes.PathOf("sandbox", "il1hps-sandbox"), """{"attack":"throw"}""");

        var problem = await GatewayHarness.ReadProblemAsync(response);
        Assert.Equal(13, problem["line"]!.GetValue<int>());
        // Line 13 is `    case "throw": throw new Error("boom");`: column 25 is where `new Error` starts.
        Assert.Equal(25, problem["column"]!.GetValue<int>());
        Assert.Contains("boom", problem["detail"]!.GetValue<string>());
    }
}
