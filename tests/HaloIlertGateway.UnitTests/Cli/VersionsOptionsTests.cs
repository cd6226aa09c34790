using HaloIlertGateway.Cli;

namespace HaloIlertGateway.UnitTests.Cli;

/// <summary>The words and options of <c>transforms history|diff|publish|rollback</c>, read before anything is called.</summary>
public sealed class VersionsOptionsTests
{
    [Fact]
    public void PublishTakesTheFileTheMessageTheFixturesAndIfMatchInAnyOrder()
    {
        var options = Parse("publish", "-m", "Tag as v2", "tagger", "--if-match", "3", "tagger.js", "--fixtures", "tagger.fixtures.json", "--url", "http://gw.internal:8081");

        Assert.Equal(("tagger", "tagger.js", "Tag as v2", "tagger.fixtures.json", 3), (options.Name, options.ScriptFile, options.Message, options.FixturesFile, options.IfMatch));
        Assert.Equal(new Uri("http://gw.internal:8081"), options.Url);
    }

    [Fact]
    public void WithoutOptionsThereIsNoConditionNoFixturesAndTheEnvironmentsUrl()
    {
        var options = Parse("publish", "tagger", "tagger.js", "--message", "why");

        Assert.Equal((null, null, null), (options.IfMatch, options.FixturesFile, options.Url));
    }

    [Fact]
    public void DiffAndRollbackReadTheirVersionNumbers()
    {
        Assert.Equal((1, 2), (Parse("diff", "tagger", "1", "2").From, Parse("diff", "tagger", "1", "2").To));
        Assert.Equal(4, Parse("rollback", "tagger", "4", "-m", "v5 paged everyone").Version);
        Assert.Equal(20, Parse("history", "tagger", "--limit", "20").Limit);
    }

    [Theory]
    [InlineData("transforms publish needs -m \"why\"", "publish", "tagger", "tagger.js")]
    [InlineData("transforms rollback needs -m \"why\"", "rollback", "tagger", "1")]
    [InlineData("-m needs a message", "publish", "tagger", "tagger.js", "-m", " ")]
    [InlineData("transforms diff: 1 and two must be version numbers", "diff", "tagger", "1", "two")]
    [InlineData("transforms rollback: 0 must be a version number", "rollback", "tagger", "0", "-m", "why")]
    [InlineData("transforms diff takes <name> <a> <b>", "diff", "tagger", "1")]
    [InlineData("transforms history takes <name>", "history")]
    [InlineData("transforms history takes no option --if-match", "history", "tagger", "--if-match", "2")]
    [InlineData("--if-match -1: not a number from 1", "publish", "tagger", "tagger.js", "-m", "why", "--if-match", "-1")]
    [InlineData("--if-match needs a value", "publish", "tagger", "tagger.js", "-m", "why", "--if-match")]
    [InlineData("--url: not an http:// or https:// URL", "history", "tagger", "--url", "127.0.0.1:5081")]
    public void AMalformedCommandIsRefusedSayingWhy(string problem, string verb, params string[] args)
    {
        Assert.False(VersionsOptions.TryParse(verb, args, out _, out var said));
        Assert.StartsWith(problem, said, StringComparison.Ordinal);
    }

    [Fact]
    public void AUrlWithCredentialsIsRefusedWithoutRepeatingThem()
    {
        Assert.False(VersionsOptions.TryParse("history", ["tagger", "--url", "http://ops:s3cret-pass@127.0.0.1:5081"], out _, out var problem));
        Assert.DoesNotContain("s3cret-pass", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("history")]
    [InlineData("diff", "tagger", "1")]
    [InlineData("publish", "tagger", "tagger.js")]
    [InlineData("rollback", "tagger", "x", "-m", "why")]
    public void AUsageErrorExits2WithUsageBeforeCallingAnything(params string[] args)
    {
        using var output = new StringWriter();

        // No gateway anywhere: a usage error is found before any call is made, or the run would say "no answer".
        Assert.True(TransformsCommand.TryRun(["transforms", .. args], output, out var exitCode, environment: _ => null));

        Assert.Equal(2, exitCode);
        Assert.Contains("usage:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("transforms publish <name> <file.js> -m \"why\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void APublishOfAMissingFileExits2NamingIt()
    {
        using var output = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "tagger.js");

        Assert.True(TransformsCommand.TryRun(["transforms", "publish", "tagger", missing, "-m", "why"], output, out var exitCode, environment: _ => null));

        Assert.Equal(2, exitCode);
        Assert.Equal($"{missing}: no such file", output.ToString().Trim());
    }

    [Fact]
    public void TheTransformsUsageListsTheVersionsVerbs()
    {
        Assert.Contains("transforms history <name>", TransformsCommand.Usage, StringComparison.Ordinal);
        Assert.Contains("transforms rollback <name> <version>", HelpCommand.Usage + TransformsCommand.Usage, StringComparison.Ordinal);
        Assert.Contains("transforms history|diff|publish|rollback", HelpCommand.Usage, StringComparison.Ordinal);
    }

    internal static VersionsOptions Parse(string verb, params string[] args)
    {
        Assert.True(VersionsOptions.TryParse(verb, args, out var options, out var problem), problem);
        return options;
    }
}
