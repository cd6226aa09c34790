using HaloIlertGateway.Cli;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Cli;

/// <summary><c>dotnet run --project gateway -- transforms ...</c>: the same entry point, called in process.</summary>
public sealed class TransformsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("transforms-cli-").FullName;

    [Theory]
    [InlineData("transforms")]
    [InlineData("transforms", "frobnicate")]
    [InlineData("transforms", "run", "halopsa")]
    public void AnIncompleteCommandPrintsUsageAndFails(params string[] args)
    {
        var (exitCode, output) = Run(args);

        Assert.Equal(2, exitCode);
        Assert.Contains("usage:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckPassesOnTheShippedTransforms()
    {
        var (exitCode, output) = Run("transforms", "check", RepositoryPaths.Transforms);

        Assert.Equal(0, exitCode);
        Assert.Contains("ok    halopsa", output);
    }

    [Fact]
    public void CheckFailsOnAFailingFixtureAndNamesTheCase()
    {
        File.WriteAllText(Path.Combine(_directory, "echo.js"), "function transform(request, context) { request.body = { seen: request.body.value }; return request; }");
        File.WriteAllText(Path.Combine(_directory, "echo.fixtures.json"), """
            { "cases": [
              { "name": "passes", "request": { "body": { "value": 1 } }, "expect": { "body": { "seen": 1 } } },
              { "name": "expects the wrong value", "request": { "body": { "value": 2 } }, "expect": { "body": { "seen": 3 } } }
            ] }
            """);

        var (exitCode, output) = Run("transforms", "check", _directory);

        Assert.Equal(1, exitCode);
        Assert.Contains("FAIL  echo", output);
        Assert.Contains("expects the wrong value", output);
        Assert.Contains("0 passed, 1 failed", output);
    }

    [Fact]
    public void CheckFailsOnASyntaxErrorWithItsPosition()
    {
        File.WriteAllText(Path.Combine(_directory, "broken.js"), "function transform(request) {\n  return request +;\n}");

        var (exitCode, output) = Run("transforms", "check", _directory);

        Assert.Equal(1, exitCode);
        Assert.Contains("broken.js(2,19)", output);
    }

    [Fact]
    public void RunPrintsTheEventAPayloadBecomes()
    {
        var payload = Path.Combine(_directory, "payload.json");
        File.WriteAllText(payload, """{"ticket":{"id":12,"summary":"VPN down","status":{"id":9,"name":"Closed"}}}""");

        var (exitCode, output) = Run("transforms", "run", "halopsa", payload, "--dir", RepositoryPaths.Transforms, "--param", "integrationKey=il1hps-cli");

        Assert.Equal(0, exitCode);
        Assert.Contains("\"eventType\": \"RESOLVE\"", output);
        Assert.Contains("\"alertKey\": \"halopsa-12\"", output);
    }

    [Fact]
    public void RunTakesAFormBodyWithHeadersQueryAndASettingsFile()
    {
        File.WriteAllText(Path.Combine(_directory, "look.js"), """
            function transform(request, context) {
              request.body = { body: request.body, agent: request.headers["user-agent"], region: request.query.region, prefix: context.settings.prefix, key: request.params.integrationKey };
              return request;
            }
            """);
        var payload = Path.Combine(_directory, "callout.form");
        File.WriteAllText(payload, "id=29683&title=Firewall%20offline");
        var settings = Path.Combine(_directory, "settings.json");
        File.WriteAllText(settings, """{"prefix":"AT"}""");

        var (exitCode, output) = Run("transforms", "run", "look", payload, "--dir", _directory, "--header", "User-Agent: Autotask/1.0",
            "--query", "region=eu", "--settings", settings, "--param", "integrationKey=il1cli");

        Assert.Equal(0, exitCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(output)!["request"]!["body"]!;
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse("""
            {"body":{"id":"29683","title":"Firewall offline"},"agent":"Autotask/1.0","region":"eu","prefix":"AT","key":"il1cli"}
            """), body), output);
    }

    [Fact]
    public void RunTakesTheShippedZendeskTransformAnXmlBody()
    {
        var payload = Path.Combine(_directory, "ticket.xml");
        File.WriteAllText(payload, "<ticket><id>4711</id><title>Mail down</title><status>solved</status></ticket>");

        var (exitCode, output) = Run("transforms", "run", "zendesk", payload, "--dir", RepositoryPaths.Transforms, "--param", "integrationKey=il1zdk-cli");

        Assert.Equal(0, exitCode);
        Assert.Contains("\"eventType\": \"RESOLVE\"", output);
        Assert.Contains("\"alertKey\": \"zendesk-4711\"", output);
    }

    [Fact]
    public void RunRefusesABodyThatIsNotItsFormatAndAnUnknownOption()
    {
        var payload = Path.Combine(_directory, "broken.xml");
        File.WriteAllText(payload, "<ticket><id>1</ticket>");

        var (badBody, bodyOutput) = Run("transforms", "run", "zendesk", payload, "--dir", RepositoryPaths.Transforms);
        var (badOption, optionOutput) = Run("transforms", "run", "zendesk", payload, "--colour", "red");

        Assert.Equal(2, badBody);
        Assert.Contains("broken.xml: Line 1", bodyOutput);
        Assert.Equal(2, badOption);
        Assert.Contains("unknown option or malformed value: --colour red", optionOutput);
    }

    [Fact]
    public void ArgumentsThatAreNotATransformsCommandStartTheGatewayInstead() =>
        Assert.False(TransformsCommand.TryRun(["--urls", "http://127.0.0.1:0"], TextWriter.Null, out _));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int ExitCode, string Output) Run(params string[] args)
    {
        using var output = new StringWriter();
        Assert.True(TransformsCommand.TryRun(args, output, out var exitCode));
        return (exitCode, output.ToString());
    }
}
