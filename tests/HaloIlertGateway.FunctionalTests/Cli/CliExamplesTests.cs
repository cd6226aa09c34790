using System.Text.Json.Nodes;
using HaloIlertGateway.FunctionalTests.Versions;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Cli;

/// <summary>
/// Every <c>dotnet run --project gateway -- transforms ...</c> in README.md and docs/, run as written from a copy of
/// the repository (the payload files they name ship in docs/examples/): it succeeds, and warns of nothing. The verbs
/// on a transform's versions run against a running gateway, named as a user's environment names it.
/// </summary>
public sealed class CliExamplesTests
{
    private const char Separator = '\u001f';

    /// <summary>The verbs that call a running gateway's management port.</summary>
    private static readonly string[] VersionsVerbs = ["history", "diff", "publish", "rollback"];

    /// <summary>The examples that run on their own (<c>check</c>, <c>run</c>).</summary>
    public static TheoryData<string, string> Examples()
    {
        var examples = new TheoryData<string, string>();
        foreach (var (document, command) in DocumentedCommands().Where(example => !VersionsVerbs.Contains(example.Command[1])))
        {
            examples.Add(document, string.Join(Separator, command));
        }

        return examples;
    }

    /// <summary>Every <c>transforms</c> command of README.md and docs/*.md, in the order they are written.</summary>
    private static IEnumerable<(string Document, string[] Command)> DocumentedCommands()
    {
        var documents = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md")
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path))
            .Prepend("README.md");
        foreach (var document in documents)
        {
            // README's "Common tasks" run their commands after their own edits: CommonTasksTests runs those.
            var text = Markdown.Read(document);
            text = document == "README.md" ? text.Replace(Markdown.Section(text, "Common tasks"), string.Empty, StringComparison.Ordinal) : text;
            foreach (var command in Markdown.GatewayCommands(text).Where(words => words is ["transforms", _, ..]))
            {
                yield return (document, command);
            }
        }
    }

    [Fact]
    public void TheDocumentsHaveTheExamplesThisTestRuns()
    {
        var documents = Examples().Select(row => (string)row[0]).ToList();

        Assert.True(documents.Count >= 5, $"only {documents.Count} examples found");
        Assert.Contains("docs/transforms.md", documents);
        Assert.Contains("docs/connecting-zendesk.md", documents);
        Assert.Contains("docs/connecting-autotask.md", documents);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task TheExampleRunsAsWritten(string document, string command)
    {
        using var cli = new GatewayCli();

        var (exitCode, output, errors) = await cli.RunAsync(command.Split(Separator));

        Assert.True(exitCode == 0, $"{document}: {command.Replace(Separator, ' ')} exited {exitCode}: {output}{errors}");
        Assert.DoesNotContain("warning:", errors, StringComparison.Ordinal);
        if (command.StartsWith("transforms" + Separator + "run", StringComparison.Ordinal))
        {
            Assert.Equal("forwarded", JsonNode.Parse(output)!["outcome"]!.GetValue<string>());
        }
        else
        {
            Assert.Contains(" passed, 0 failed", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheVersionsExamplesRunAsWrittenAgainstARunningGateway()
    {
        var examples = DocumentedCommands().Where(example => VersionsVerbs.Contains(example.Command[1])).ToList();
        Assert.Equal(VersionsVerbs.Order(), examples.Select(example => example.Command[1]).Distinct().Order());
        using var cli = new GatewayCli();

        // Each document's examples in order, on a gateway of their own: each is a story from a transform's version 1.
        foreach (var group in examples.GroupBy(example => example.Document))
        {
            await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
            await Eventually.TrueAsync(async () => (await harness.HistoryAsync("halopsa")).Count == 1, "halopsa's version 1");
            var environment = new Dictionary<string, string>
            {
                ["Gateway__Management__Urls"] = harness.Management.BaseAddress!.GetLeftPart(UriPartial.Authority),
                ["GATEWAY_TOKEN"] = VersionsApi.Token,
            };

            foreach (var (document, command) in group)
            {
                var (exitCode, output, errors) = await cli.RunAsync(environment, command);

                Assert.True(exitCode == 0, $"{document}: {string.Join(' ', command)} exited {exitCode}: {output}{errors}");
                Assert.DoesNotContain(VersionsApi.Token, output + errors, StringComparison.Ordinal);
            }

            // Each publish and rollback made a version, newest first, over the file's.
            var made = group.Select(example => example.Command[1]).Where(verb => verb is "publish" or "rollback").Select(verb => verb == "publish" ? "cli" : "rollback").Reverse();
            var history = await harness.HistoryAsync("halopsa");
            Assert.Equal([.. made, "file"], history.Select(version => version!["origin"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task ARunWithoutARouteValueTheRouteGivesWarnsOnStandardErrorAndStillPrintsJson()
    {
        using var cli = new GatewayCli();

        var (exitCode, output, errors) = await cli.RunAsync("transforms", "run", "halopsa", "docs/examples/halopsa-ticket-closed.json");

        Assert.Equal(0, exitCode);
        Assert.Contains("warning: params.integrationKey comes from the route's path (", errors, StringComparison.Ordinal);
        Assert.Contains("halopsa: /api/v1/events/halopsa/{integrationKey}", errors, StringComparison.Ordinal);
        Assert.Contains("without --param integrationKey=<value> it is undefined in this run", errors, StringComparison.Ordinal);
        var @event = JsonNode.Parse(output)!["request"]!["body"]!.AsObject();
        Assert.False(@event.ContainsKey("integrationKey"));
    }

    [Fact]
    public async Task ARouteThatDoesNotRunTheTransformIsRefused()
    {
        using var cli = new GatewayCli();

        var (exitCode, output, _) = await cli.RunAsync("transforms", "run", "halopsa", "docs/examples/halopsa-ticket-closed.json", "--route", "zendesk");

        Assert.Equal(2, exitCode);
        Assert.Contains("--route zendesk: no route of that id in ./proxy.json runs transform 'halopsa'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProxyJsonThatCannotBeReadIsAWarningNotACrash()
    {
        using var cli = new GatewayCli();
        File.WriteAllText(Path.Combine(cli.Root, "proxy.json"), "{ not json");

        var (exitCode, output, errors) = await cli.RunAsync("transforms", "run", "halopsa", "docs/examples/halopsa-ticket-closed.json", "--param", "integrationKey=il1hps-test");

        Assert.Equal(0, exitCode);
        Assert.Contains("warning: ./proxy.json cannot be read, so its settings and routes are not used", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
        Assert.Equal("RESOLVE", JsonNode.Parse(output)!["request"]!["body"]!["eventType"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARouteIsNamedInAnyCaseAndRunsUnderItsOwnId()
    {
        using var cli = new GatewayCli();

        var report = await cli.RunTransformAsync("transforms", "run", "halopsa", "docs/examples/halopsa-ticket-closed.json", "--route", "HaloITSM", "--param", "integrationKey=il1hps-test");

        Assert.Equal("haloitsm-10234", report["request"]!["body"]!["alertKey"]!.GetValue<string>());
    }
}
