using System.Net;
using System.Net.Sockets;
using HaloIlertGateway.Cli;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Cli;

/// <summary><c>HaloIlertGateway.dll healthcheck [url]</c>: the image's HEALTHCHECK and Kubernetes' exec probe.</summary>
public sealed class HealthcheckCommandTests
{
    [Fact]
    public async Task AReadyGatewayPasses()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        var (exitCode, output) = Run("healthcheck", new Uri(harness.Management.BaseAddress!, "/readyz").ToString());

        Assert.Equal(0, exitCode);
        Assert.Contains(": 200", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AGatewayThatDoesNotAnswerFails()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exitCode, output) = Run("healthcheck", $"http://127.0.0.1:{port}/readyz");

        Assert.Equal(1, exitCode);
        Assert.Contains("no answer", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnythingButOneUrlIsAUsageError()
    {
        Assert.Equal(2, Run("healthcheck", "not a url").ExitCode);
        Assert.Equal(2, Run("healthcheck", "http://127.0.0.1:1/readyz", "extra").ExitCode);
    }

    private static (int ExitCode, string Output) Run(params string[] args)
    {
        using var output = new StringWriter();
        Assert.True(HealthcheckCommand.TryRun(args, output, out var exitCode));
        return (exitCode, output.ToString());
    }
}
