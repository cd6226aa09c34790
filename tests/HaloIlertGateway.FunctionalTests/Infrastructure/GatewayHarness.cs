using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Admin;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>A fake ilert, the gateway in front of it, and a client of the gateway: one application per use.</summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private HttpClient? _client;
    private HttpClient? _management;

    private GatewayHarness(FakeIlert ilert, GatewayFactory gateway)
    {
        Ilert = ilert;
        Gateway = gateway;
    }

    public FakeIlert Ilert { get; }

    public GatewayFactory Gateway { get; }

    /// <summary>
    /// A client of the gateway; the first use starts the gateway and waits for its start-up warm-up (as a load
    /// balancer waits for Ready). Safe to call from several tasks at once: WebApplicationFactory is not, and two first
    /// uses together built two hosts on one content root (and outbox).
    /// </summary>
    public HttpClient Client
    {
        get
        {
            lock (_gate)
            {
                if (_client is null)
                {
                    var client = Gateway.CreateClient();
                    Assert.True(Gateway.Services.GetRequiredService<StartupWarmup>().Completion.Wait(TimeSpan.FromSeconds(60)), "the start-up warm-up to finish");
                    _client = client;
                }

                return _client;
            }
        }
    }

    /// <summary>
    /// Starts the fake ilert and prepares the gateway in front of it; the gateway itself starts on the first use of
    /// <see cref="Client"/> (or <see cref="Management"/>), so that a test can still change its settings and scripts.
    /// </summary>
    public static async Task<GatewayHarness> CreateAsync(IReadOnlyDictionary<string, string>? scripts = null, Action<GatewayFactory>? configure = null)
    {
        var ilert = await FakeIlert.StartAsync();
        var gateway = new GatewayFactory(ilert, scripts);
        configure?.Invoke(gateway);
        return new GatewayHarness(ilert, gateway);
    }

    /// <summary>A client of the management port (a real loopback listener); starts the gateway if needed.</summary>
    public HttpClient Management
    {
        get
        {
            _ = Client;
            lock (_gate)
            {
                return _management ??= new HttpClient { BaseAddress = Gateway.Services.GetRequiredService<ManagementServer>().Addresses[0] };
            }
        }
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PostAsync(string path, string body, string contentType) =>
        Client.PostAsync(path, new StringContent(body, new MediaTypeHeaderValue(contentType)));

    /// <summary>
    /// Asserts that nothing reached ilert, after waiting out any delivery that could still come: the outbox is polled
    /// until it holds no event (one queued there would be sent, or retried, later).
    /// </summary>
    public Task AssertNothingSentAsync() =>
        Ilert.AssertNothingReceivedAsync(async () => (await Gateway.Services.GetRequiredService<IOutbox>().StatsAsync(CancellationToken.None)).Depth);

    /// <summary>Starts the gateway expecting it to refuse; returns every message of the failure, inner ones included.</summary>
    public string StartupError()
    {
        var exception = Record.Exception(() => Client);
        Assert.NotNull(exception);
        if (exception is ObjectDisposedException)
        {
            // WebApplicationFactory's race, not the gateway's: a start that fails fast can dispose the host before the
            // factory asks it for its lifetime, and the factory then reports that instead. The failure is the one the
            // host logged as it failed to start.
            exception = Gateway.Logs.Events.Select(e => e.Exception).LastOrDefault(e => e is not null and not ObjectDisposedException) ?? exception;
        }

        return string.Join('\n', Flatten(exception));

        static IEnumerable<string> Flatten(Exception exception) => exception switch
        {
            AggregateException aggregate => [aggregate.Message, .. aggregate.InnerExceptions.SelectMany(Flatten)],
            { InnerException: { } inner } => [exception.Message, .. Flatten(inner)],
            _ => [exception.Message],
        };
    }

    /// <summary>Reads an RFC 7807 body, checking its content type.</summary>
    public static async Task<JsonObject> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _management?.Dispose();
        await Gateway.DisposeAsync();
        await Ilert.DisposeAsync();
    }
}
