using System.Net;
using System.Net.Sockets;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaloIlertGateway.Tests.Hosting;

public sealed class StartupWarmupTests
{
    private const string Ticket = """{"ticket":{"id":4711,"summary":"Printer on fire","status":{"id":1,"name":"New"}}}""";

    [Fact]
    public async Task TheWarmUpOpensTheConnectionTheFirstEventThenUses()
    {
        await using var harness = await GatewayHarness.StartAsync();
        _ = harness.Client;

        var warmup = Assert.Single(harness.Ilert.Warmups);
        Assert.Equal("HEAD", warmup.Method);
        Assert.Equal("/", warmup.PathAndQuery);
        Assert.Null(warmup.Header("authorization"));
        Assert.Empty(harness.Ilert.Received);

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-warm", Ticket);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        var first = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal(warmup.ConnectionId, first.ConnectionId);
    }

    [Fact]
    public async Task ReadinessWaitsForTheWarmUpAndAnUpstreamThatFailsDoesNotStopTheStart()
    {
        // An upstream that accepts the connection and says nothing until the test closes it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var harness = await GatewayHarness.StartAsync(configure: gateway => gateway.Settings["Gateway:Warmup:Timeout"] = "00:01:00");
        harness.Gateway.Settings["ReverseProxy:Clusters:ilert:Destinations:primary:Address"] = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
        using var client = harness.Gateway.CreateClient();
        using var silent = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HealthStatus.Unhealthy, (await WarmupCheckAsync(harness)).Status);

        silent.Close();
        await harness.Gateway.Services.GetRequiredService<StartupWarmup>().Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await WarmupCheckAsync(harness)).Status);
        Assert.Contains("Warm-up of cluster 'ilert' did not answer", harness.Gateway.Logs.AllText, StringComparison.Ordinal);
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task TheWarmUpGivesUpAtItsTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var harness = await GatewayHarness.StartAsync(configure: gateway => gateway.Settings["Gateway:Warmup:Timeout"] = "00:00:00.200");
        harness.Gateway.Settings["ReverseProxy:Clusters:ilert:Destinations:primary:Address"] = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
        using var client = harness.Gateway.CreateClient();
        using var silent = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));

        await harness.Gateway.Services.GetRequiredService<StartupWarmup>().Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await WarmupCheckAsync(harness)).Status);
    }

    [Theory]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://*:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://0.0.0.0:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://[::]:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://localhost:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://[::1]:5080", "http://[::1]:5080/")]
    [InlineData("http://10.1.2.3:80", "http://10.1.2.3/")]
    [InlineData("https://+:8443", null)]
    public void ListeningAddressesBecomeAddressesALocalClientReaches(string address, string? expected) =>
        Assert.Equal(expected, StartupWarmup.LoopbackUri(address)?.ToString());

    private static async Task<HealthReportEntry> WarmupCheckAsync(GatewayHarness harness)
    {
        var report = await harness.Gateway.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == "warmup");
        return report.Entries["warmup"];
    }
}
