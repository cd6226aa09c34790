using HaloIlertGateway.Cli;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.Tests.Hosting;

/// <summary>
/// A start that cannot succeed says why in one paragraph (the file or setting, and what to do) and exits 1: never a
/// stack trace or an abort. (A port or an outbox in use: ManagementPortTests and OutboxLockTests.)
/// </summary>
public sealed class StartFailureTests
{
    [Fact]
    public async Task AMissingProxyJsonNamesTheFileAndTheSettingThatMovesIt()
    {
        var missing = Path.Combine(TestFolders.Create("no-config-"), "config", "proxy.json");
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address, $"--Gateway:ProxyConfigFile={missing}");

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        AssertCleanFailure(exitCode, output);
        Assert.Contains($"Gateway:ProxyConfigFile names {missing}, which does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProxyJsonThatIsNotJsonNamesTheFileAndWhereItBreaks()
    {
        var broken = Path.Combine(TestFolders.Create("broken-config-"), "proxy.json");
        File.WriteAllText(broken, """{ "ReverseProxy": { "Routes": { """);
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address, $"--Gateway:ProxyConfigFile={broken}");

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        AssertCleanFailure(exitCode, output);
        Assert.Contains($"Failed to load configuration from file '{broken}'", output, StringComparison.Ordinal);
        Assert.Contains("LineNumber: 0 | BytePositionInLine: 32", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidSettingNamesItAndItsRange()
    {
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address, "--Gateway:Delivery:RatePerMinutePerKey=0");

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        AssertCleanFailure(exitCode, output);
        Assert.Contains("a setting is invalid", output, StringComparison.Ordinal);
        Assert.Contains(" - Gateway:Delivery:RatePerMinutePerKey: The field RatePerMinutePerKey must be between 1 and 60000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATooShortManagementTokenIsNamedButNeverShown()
    {
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address, "--Gateway:Management:Token=s3cr3t-sh0rt");

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        AssertCleanFailure(exitCode, output);
        Assert.Contains("Gateway:Management:Token: The field Token must be a string or array type with a minimum length of '16'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-sh0rt", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidRouteIsListedWithoutTheWrapperYarpPutsAroundIt()
    {
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address,
            "--ReverseProxy:Routes:typo:ClusterId=ilert", "--ReverseProxy:Routes:typo:Match:Path=/typo",
            "--ReverseProxy:Routes:typo:Transforms:0:JsTransform=halopas");

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        AssertCleanFailure(exitCode, output);
        Assert.Contains("the routes are invalid (ReverseProxy in proxy.json)", output, StringComparison.Ordinal);
        Assert.Contains(" - Route 'typo': JsTransform 'halopas'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unable to load or apply", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnsetSecretReferenceIsNamedWithoutAStack()
    {
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address, "--Gateway:Delivery:AllowedKeys:0=env:HALOILERT_TEST_UNSET_KEYS");

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        AssertCleanFailure(exitCode, output);
        Assert.Contains("Gateway:Delivery:AllowedKeys: 'env:HALOILERT_TEST_UNSET_KEYS' is not a secret reference that is set", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void HelpPrintsTheUsageOfTheGatewayAndItsVerbsAndStartsNothing(string argument)
    {
        using var output = new StringWriter();

        Assert.True(HelpCommand.TryRun([argument], output, out var exitCode));

        Assert.Equal(0, exitCode);
        Assert.Contains("HaloIlertGateway [--demo]", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("transforms run <name> <payload>", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("healthcheck [url]", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Exit code 1 and no trace of a stack or an unhandled exception in what the process wrote.</summary>
    internal static void AssertCleanFailure(int exitCode, string output)
    {
        Assert.Equal(1, exitCode);
        Assert.Contains("The gateway could not start: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }
}
