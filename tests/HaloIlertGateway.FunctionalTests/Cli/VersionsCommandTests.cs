using System.Net;
using System.Net.Sockets;
using HaloIlertGateway.Cli;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Versions.VersionsApi;

namespace HaloIlertGateway.FunctionalTests.Cli;

/// <summary>
/// <c>transforms history|diff|publish|rollback</c> against a real gateway's management port, run in process as
/// Program runs them. The address and token come from the command's own environment, as a shell gives them: the
/// process's variables, which other tests read, are never set.
/// </summary>
public sealed class VersionsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("versions-cli-").FullName;

    [Fact]
    public async Task HistoryAfterAPublishShowsBothVersionsWithThePublishedOneServing()
    {
        await using var harness = await TaggerAsync();

        var published = await RunAsync(harness, "publish", Name, ScriptFile("v2"), "-m", "Tag as v2 for the new board", "--fixtures", FixturesFile("v2"));
        var (exitCode, output, _) = await RunAsync(harness, "history", Name);

        Assert.Equal((0, $"published tagger version 2 (sha256 {Sha256(Script("v2"))})"), (published.ExitCode, published.Output.Trim()));
        Assert.Equal(0, exitCode);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal("   version  time (UTC)", lines[0][..22]);
        Assert.Matches(@"^\*  2        \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  \S+ +cli +Tag as v2 for the new board$", lines[1]);
        Assert.Matches(@"^   1        \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  files +file +", lines[2]);
        Assert.Equal(["* serving now"], lines[3..]);
    }

    [Fact]
    public async Task DiffAfterAPublishedFileShowsTheChangedLine()
    {
        await using var harness = await TaggerAsync();
        Assert.Equal(0, (await RunAsync(harness, "publish", Name, ScriptFile("v2"), "-m", "v2", "--fixtures", FixturesFile("v2"), "--if-match", "1")).ExitCode);

        var (exitCode, output, _) = await RunAsync(harness, "diff", Name, "1", "2");

        Assert.Equal(0, exitCode);
        Assert.Contains("--- tagger.js (version 1)", output, StringComparison.Ordinal);
        Assert.Contains("-  request.body = { tag: \"v1\", n: request.body.n };", output, StringComparison.Ordinal);
        Assert.Contains("+  request.body = { tag: \"v2\", n: request.body.n };", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublishWhoseFixturesFailExits1PrintingTheFailingCaseAndChangesNothing()
    {
        await using var harness = await TaggerAsync();

        // Without --fixtures the serving fixtures stay, and they expect tag "v1".
        var run = await RunAsync(harness, "publish", Name, ScriptFile("v2"), "-m", "v2 without its fixtures");

        await AssertRefusedAsync(harness, run, serving: 1, "422 The version was not published. ", "fixture case(s) failed", "\n  case \"tags the event\": ");
    }

    [Fact]
    public async Task AStaleIfMatchExits1NamingTheNewerVersionAndTheDiffToRead()
    {
        await using var harness = await TaggerAsync();
        await harness.PublishedAsync(Script("v2"), "v2, published meanwhile", ifMatch: "\"1\"", fixtures: Fixtures("v2"));

        var run = await RunAsync(harness, "publish", Name, ScriptFile("v3"), "-m", "made on version 1", "--fixtures", FixturesFile("v3"), "--if-match", "1");

        await AssertRefusedAsync(harness, run, serving: 2,
            "412 A newer version was published. ", "version 2 by ", "See what changed: transforms diff tagger 1 2; then run this again with --if-match 2.");
    }

    [Fact]
    public async Task ARollbackMakesTheNextVersionWithTheEarlierContent()
    {
        await using var harness = await TaggerAsync();
        await harness.PublishedAsync(Script("v2"), "v2", ifMatch: "\"1\"", fixtures: Fixtures("v2"));

        // The gateway's own token, as a container that runs the CLI beside the gateway has it.
        var (exitCode, output, _) = await RunAsync(
            EnvironmentOf(("Gateway__Management__Urls", Authority(harness)), ("Gateway__Management__Token", Token)), "rollback", Name, "1", "-m", "v2 paged everyone", "--if-match", "2");

        Assert.Equal((0, $"rolled tagger back to version 1's content: version 3 (sha256 {Sha256(Script("v1"))})"), (exitCode, output.Trim()));
        Assert.Equal((3, Sha256(Script("v1")), "\"3\""), await harness.ServingAsync());
        var third = (await harness.HistoryAsync())[0]!;
        Assert.Equal(("rollback", "v2 paged everyone"), (third["origin"]!.GetValue<string>(), third["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AWrongTokenExits1AndTheOutputNeverContainsIt()
    {
        const string wrong = "alice-but-not-her-token-0123456789";
        await using var harness = await TaggerAsync();

        // A named user's token wins over the gateway's own one, which is right here: the refusal shows which was sent.
        var (exitCode, output, errors) = await RunAsync(
            EnvironmentOf(("GATEWAY_TOKEN", wrong), ("Gateway__Management__Token", Token)), "rollback", Name, "1", "-m", "why", "--url", harness.Management.BaseAddress!.ToString());

        Assert.Equal(1, exitCode);
        Assert.Equal(["401 Unauthorized.", "The token in GATEWAY_TOKEN was not accepted."], output.TrimEnd().Split('\n'));
        Assert.DoesNotContain(wrong, output + errors, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, output + errors, StringComparison.Ordinal);
        Assert.Single(await harness.HistoryAsync());
    }

    [Fact]
    public async Task AGatewayThatDoesNotAnswerIsOneLineNamingTheUrlAndNeverTheToken()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exitCode, output, errors) = await RunAsync(EnvironmentOf(("GATEWAY_TOKEN", Token)), "history", Name, "--url", $"http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"http://127.0.0.1:{port}/: no answer (", output, StringComparison.Ordinal);
        Assert.Single(output.TrimEnd().Split('\n'));
        Assert.DoesNotContain(Token, output + errors, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A gateway serving <c>tagger</c>, its version 1 recorded.</summary>
    private static async Task<GatewayHarness> TaggerAsync()
    {
        var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        return harness;
    }

    /// <summary>A refusal: exit 1, the status line (<paramref name="said"/>'s first) and the rest of <paramref name="said"/> printed, and version <paramref name="serving"/> still serving.</summary>
    private static async Task AssertRefusedAsync(GatewayHarness harness, (int ExitCode, string Output, string Errors) run, int serving, params string[] said)
    {
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(said[0], run.Output, StringComparison.Ordinal);
        Assert.All(said, text => Assert.Contains(text, run.Output, StringComparison.Ordinal));
        Assert.Equal(serving, (await harness.ServingAsync()).Version);
    }

    /// <summary>The script tagging <paramref name="tag"/>, as a file of one's own working copy.</summary>
    private string ScriptFile(string tag) => WriteFile($"tagger-{tag}.js", Script(tag));

    private string FixturesFile(string tag) => WriteFile($"tagger-{tag}.fixtures.json", Fixtures(tag));

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The management port as <c>Gateway__Management__Urls</c> names it (no --url given), and a person's token.</summary>
    private static Task<(int ExitCode, string Output, string Errors)> RunAsync(GatewayHarness harness, params string[] args) =>
        RunAsync(EnvironmentOf(("Gateway__Management__Urls", Authority(harness)), ("GATEWAY_TOKEN", Token)), args);

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(Func<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        // The command blocks on its HTTP calls, as the CLI's process does; off the test's own thread.
        var exitCode = await Task.Run(() =>
        {
            Assert.True(TransformsCommand.TryRun(["transforms", .. args], output, out var code, errors, environment));
            return code;
        });
        return (exitCode, output.ToString(), errors.ToString());
    }

    private static string Authority(GatewayHarness harness) => harness.Management.BaseAddress!.GetLeftPart(UriPartial.Authority);

    private static Func<string, string?> EnvironmentOf(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
