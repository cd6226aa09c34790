using System.Net;
using System.Net.Sockets;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Admin;

public sealed class ManagementPortTests
{
    [Fact]
    public async Task AManagementPortInUseStopsTheStartNamingThePortAndTheSettingThatMovesIt()
    {
        await using var ilert = await FakeIlert.StartAsync();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var gateway = new GatewayProcess(ilert.Address, $"--Gateway:Management:Urls=http://127.0.0.1:{port}");

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        Hosting.StartFailureTests.AssertCleanFailure(exitCode, output);
        Assert.Contains($"The management port cannot listen on http://127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.Contains("Gateway:Management:Urls", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublicPortInUseStopsTheStartNamingTheSettingThatMovesIt()
    {
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address);
        using var taken = new TcpListener(IPAddress.Loopback, gateway.Address.Port);
        taken.Start();

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        Hosting.StartFailureTests.AssertCleanFailure(exitCode, output);
        Assert.Contains($"127.0.0.1:{gateway.Address.Port}", output, StringComparison.Ordinal);
        Assert.Contains("Move the public port with --urls", output, StringComparison.Ordinal);
    }
}
