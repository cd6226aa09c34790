using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaloIlertGateway.FunctionalTests.Hosting;

public sealed class StartupWarmupTests
{
    private const string Ticket = """{"ticket":{"id":4711,"summary":"Printer on fire","status":{"id":1,"name":"New"}}}""";

    [Fact]
    public async Task TheWarmUpOpensTheConnectionTheFirstEventThenUses()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        _ = harness.Client;

        var warmup = Assert.Single(harness.Ilert.Warmups);
        Assert.Equal("HEAD", warmup.Method);
        Assert.Equal("/", warmup.PathAndQuery);
        Assert.Null(warmup.Header("authorization"));
        await harness.AssertNothingSentAsync();

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-warm", Ticket);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        var first = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal(warmup.ConnectionId, first.ConnectionId);
    }

    [Fact]
    public async Task ReadinessWaitsForTheWarmUpAndAnUpstreamThatFailsDoesNotStopTheStart()
    {
        await using var silent = await SilentUpstream.StartGatewayAsync(warmupTimeout: "00:01:00");

        Assert.Equal(HealthStatus.Unhealthy, (await WarmupCheckAsync(silent.Harness)).Status);

        silent.HangUp();
        await silent.Harness.Gateway.Services.GetRequiredService<StartupWarmup>().Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await WarmupCheckAsync(silent.Harness)).Status);
        Assert.Contains("Warm-up of cluster 'ilert' did not answer", silent.Harness.Gateway.Logs.AllText, StringComparison.Ordinal);
        using var health = await silent.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task TheWarmUpGivesUpAtItsTimeout()
    {
        await using var silent = await SilentUpstream.StartGatewayAsync(warmupTimeout: "00:00:00.200");

        await silent.Harness.Gateway.Services.GetRequiredService<StartupWarmup>().Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await WarmupCheckAsync(silent.Harness)).Status);
    }

    [Fact]
    public async Task AnUnreachableIlertIsOneLineInTheLogNotAStackFromTheForwarder()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
            g.Settings["ReverseProxy:Clusters:ilert:Destinations:primary:Address"] = $"http://127.0.0.1:{ClosedPort()}/");
        _ = harness.Client;
        await harness.Gateway.Services.GetRequiredService<StartupWarmup>().Completion.WaitAsync(TimeSpan.FromSeconds(30));

        var events = harness.Gateway.Logs.Events.ToList();
        var warmup = Assert.Single(events, e => e.MessageTemplate.Text.StartsWith("Warm-up of {Target} did not answer", StringComparison.Ordinal)
            && e.Properties["Target"].ToString() == "\"cluster 'ilert'\"");
        Assert.Null(warmup.Exception);
        Assert.DoesNotContain(events, e => e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().StartsWith("\"Yarp.", StringComparison.Ordinal) && e.Level >= Serilog.Events.LogEventLevel.Warning);
        Assert.DoesNotContain("   at ", harness.Gateway.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWarmUpsOwnRequestIsNotShownAsTraffic()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using var warmup = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        warmup.Headers.Add(StartupWarmup.MarkerHeader, StartupWarmup.Marker);
        using var fromWarmup = await harness.Client.SendAsync(warmup);
        // A client naming itself the warm-up, without the marker only this process knows, is traffic like any other.
        using var pretender = new HttpRequestMessage(HttpMethod.Get, "/healthz?pretender=1");
        pretender.Headers.UserAgent.ParseAdd(StartupWarmup.UserAgent);
        pretender.Headers.Add(StartupWarmup.MarkerHeader, "0123456789ABCDEF0123456789ABCDEF");
        using var fromPretender = await harness.Client.SendAsync(pretender);

        var requests = (await harness.Management.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/_gateway/requests"))!;

        Assert.Equal(HttpStatusCode.OK, fromWarmup.StatusCode);
        Assert.Equal("/healthz", Assert.Single(requests)!["path"]!.GetValue<string>());
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

    /// <summary>
    /// A gateway whose upstream accepts every connection and says nothing until the test hangs up: then it stops
    /// listening and closes what it accepted, so that any further attempt (an HTTP client may retry) fails at once.
    /// </summary>
    private sealed class SilentUpstream : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly System.Collections.Concurrent.ConcurrentQueue<Socket> _accepted = new();
        private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task? _accepting;

        public GatewayHarness Harness { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public static async Task<SilentUpstream> StartGatewayAsync(string warmupTimeout)
        {
            var upstream = new SilentUpstream();
            upstream._listener.Start();
            upstream._accepting = upstream.AcceptAsync();
            upstream.Harness = await GatewayHarness.CreateAsync(configure: gateway =>
            {
                gateway.Settings["Gateway:Warmup:Timeout"] = warmupTimeout;
                gateway.Settings["ReverseProxy:Clusters:ilert:Destinations:primary:Address"] = $"http://127.0.0.1:{((IPEndPoint)upstream._listener.LocalEndpoint).Port}/";
            });
            upstream.Client = upstream.Harness.Gateway.CreateClient();
            await upstream._firstConnection.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return upstream;
        }

        /// <summary>Stops listening and closes every connection it holds.</summary>
        public void HangUp()
        {
            _listener.Stop();
            while (_accepted.TryDequeue(out var socket))
            {
                socket.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            HangUp();
            await (_accepting ?? Task.CompletedTask);
            Client.Dispose();
            await Harness.DisposeAsync();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    _accepted.Enqueue(await _listener.AcceptSocketAsync());
                    _firstConnection.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopped.
            }
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
