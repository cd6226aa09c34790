using HaloIlertGateway.Cli;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Hosting;

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
        var output = await RefusalAsync($"--Gateway:ProxyConfigFile={missing}");

        Assert.Contains($"Gateway:ProxyConfigFile names {missing}, which does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProxyJsonThatIsNotJsonNamesTheFileAndWhereItBreaks()
    {
        var broken = Path.Combine(TestFolders.Create("broken-config-"), "proxy.json");
        File.WriteAllText(broken, """{ "ReverseProxy": { "Routes": { """);
        var output = await RefusalAsync($"--Gateway:ProxyConfigFile={broken}");

        Assert.Contains($"Failed to load configuration from file '{broken}'", output, StringComparison.Ordinal);
        Assert.Contains("LineNumber: 0 | BytePositionInLine: 32", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidSettingNamesItAndItsRange()
    {
        var output = await RefusalAsync("--Gateway:Delivery:RatePerMinutePerKey=0");

        Assert.Contains("a setting is invalid", output, StringComparison.Ordinal);
        Assert.Contains(" - Gateway:Delivery:RatePerMinutePerKey: The field RatePerMinutePerKey must be between 1 and 60000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATooShortManagementTokenIsNamedButNeverShown()
    {
        var output = await RefusalAsync("--Gateway:Management:Token=s3cr3t-sh0rt");

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
        var output = await RefusalAsync("--Gateway:Delivery:AllowedKeys:0=env:HALOILERT_TEST_UNSET_KEYS");

        Assert.Contains("Gateway:Delivery:AllowedKeys:0: the secret env:HALOILERT_TEST_UNSET_KEYS is not set", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueOfTheWrongKindNamesTheSettingButNotTheValue()
    {
        var output = await RefusalAsync("--Gateway:Management:Enabled=il1hps-a-pasted-key-0123");

        Assert.Contains("the setting Gateway:Management:Enabled has a value that is not a Boolean (the value is not shown)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("il1hps-a-pasted-key-0123", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManagementTokenWrittenAsASecretReferenceIsRefusedNotTakenAsTheToken()
    {
        var output = await RefusalAsync("--Gateway:Management:Token=env:GATEWAY_ADMIN_TOKEN_NAME");

        Assert.Contains("Gateway:Management:Token looks like a secret reference (env:/file:), but it takes the token itself", output, StringComparison.Ordinal);
    }

    [Fact]
    public void APublicAddressThatIsNoUrlOrAPortThatNeedsPrivilegesSaysWhatToUseInstead()
    {
        var url = HaloIlertGateway.Hosting.StartFailure.Describe(new FormatException("Invalid url: 'localhost5080'"));
        var denied = HaloIlertGateway.Hosting.StartFailure.Describe(new IOException(
            "Failed to bind to address http://0.0.0.0:80.", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.AccessDenied)));

        Assert.Equal("The gateway could not start: Invalid url: 'localhost5080'. Give the public address as a URL with --urls (or ASPNETCORE_URLS), e.g. --urls http://localhost:5080.", url);
        Assert.StartsWith("The gateway could not start: Failed to bind to address http://0.0.0.0:80. The port needs privileges", denied, StringComparison.Ordinal);
        Assert.Null(HaloIlertGateway.Hosting.StartFailure.Describe(new ArgumentOutOfRangeException("index")));
    }

    [Theory]
    [InlineData("--Gateway:Delivery:AllowedKeys:0=il1hps-a-pasted-key-0123", "Gateway:Delivery:AllowedKeys:0 is not a secret reference (its value is not shown)")]
    [InlineData("--Gateway:Transforms:halopsa:Secrets:apiKey=il1hps-a-pasted-key-0123", "transform 'halopsa' secret 'apiKey': the value is not a secret reference (it is not shown)")]
    public async Task ASecretPastedWhereItsReferenceBelongsIsNeverPrinted(string setting, string named)
    {
        var output = await RefusalAsync(setting);

        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.DoesNotContain("il1hps-a-pasted-key-0123", output, StringComparison.Ordinal);
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

    /// <summary>Starts the gateway with <paramref name="settings"/>, expecting a clean refusal: what it wrote.</summary>
    private static async Task<string> RefusalAsync(params string[] settings)
    {
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address, settings);
        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();
        AssertCleanFailure(exitCode, output);
        return output;
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
