using HaloIlertGateway.Cli;

namespace HaloIlertGateway.UnitTests.Cli;

/// <summary>What the CLI prints when the management port refuses a change.</summary>
public sealed class ProblemReportTests
{
    [Fact]
    public void AFailingPublishNamesEachFailingFixtureCaseAndWhy()
    {
        var answer = new ManagementAnswer(422, "Unprocessable Entity", """
            {"type":"urn:haloilertgateway:problem:transform-invalid","title":"The version was not published.","status":422,
             "detail":"tagger.js: 1 fixture case(s) failed","line":null,"column":null,
             "fixtures":[{"name":"passes","passed":true,"failure":null},{"name":"tags the event","passed":false,"failure":"body.tag: expected \"v1\"\nbut was \"v9\""}]}
            """);

        var lines = ProblemReport.Lines(answer, VersionsOptionsTests.Parse("publish", "tagger", "tagger.js", "-m", "why"), "GATEWAY_TOKEN");

        Assert.Equal(
            [
                "422 The version was not published. tagger.js: 1 fixture case(s) failed",
                "  case \"tags the event\": body.tag: expected \"v1\"\n    but was \"v9\"",
            ],
            lines);
    }

    [Fact]
    public void AStalePublishSaysWhichDiffToReadAndWhichVersionToName()
    {
        var answer = new ManagementAnswer(412, "Precondition Failed", """
            {"title":"A newer version was published.","detail":"If-Match \"1\" is not the latest version: version 2 by alice is.","latestVersion":2,"latestAuthor":"alice"}
            """);

        var lines = ProblemReport.Lines(answer, VersionsOptionsTests.Parse("publish", "tagger", "tagger.js", "-m", "why", "--if-match", "1"), null);

        Assert.Equal("412 A newer version was published. If-Match \"1\" is not the latest version: version 2 by alice is.", lines[0]);
        Assert.Equal("See what changed: transforms diff tagger 1 2; then run this again with --if-match 2.", lines[1]);
    }

    [Fact]
    public void ARefusedTokenNamesTheVariableItCameFromAndNeverItsValue()
    {
        var answer = new ManagementAnswer(401, "Unauthorized", """{"title":"Unauthorized.","status":401}""");

        Assert.Equal(["401 Unauthorized.", "The token in GATEWAY_TOKEN was not accepted."], ProblemReport.Lines(answer, VersionsOptionsTests.Parse("history", "tagger"), "GATEWAY_TOKEN"));
        Assert.Contains("No token was sent", ProblemReport.Lines(answer, VersionsOptionsTests.Parse("history", "tagger"), null)[1], StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnswerThatIsNoProblemIsItsStatusAndReason()
    {
        Assert.Equal(["502 Bad Gateway"], ProblemReport.Lines(new ManagementAnswer(502, "Bad Gateway", "<html>nginx</html>"), VersionsOptionsTests.Parse("history", "tagger"), null));
    }
}
