using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// A stand-in for api.ilert.com on a loopback Kestrel port: records every request it receives and answers as
/// <see cref="Respond"/> says (by default 202 with an ilert-shaped body).
/// </summary>
public sealed class FakeIlert : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _received = new();
    private readonly ConcurrentQueue<RecordedRequest> _warmups = new();

    private FakeIlert(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IReadOnlyCollection<RecordedRequest> Received => _received;

    /// <summary>
    /// The gateway's start-up warm-up requests (User-Agent <c>HaloIlertGateway-warmup</c>), kept apart from
    /// <see cref="Received"/> and always answered 200: they are not events.
    /// </summary>
    public IReadOnlyCollection<RecordedRequest> Warmups => _warmups;

    /// <summary>How to answer a received request; null answers 202 <c>{"responseCode":"NEW_INCIDENT_CREATED"}</c>.</summary>
    public Func<RecordedRequest, IResult>? Respond { get; set; }

    public static async Task<FakeIlert> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeIlert? fake = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var request = new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                body.ToArray(),
                DateTimeOffset.UtcNow) { ConnectionId = context.Connection.Id };
            if (context.Request.Headers.UserAgent == "HaloIlertGateway-warmup")
            {
                fake!._warmups.Enqueue(request with { AnsweredStatus = StatusCodes.Status200OK });
                return;
            }

            var result = fake!.Respond?.Invoke(request)
                ?? Results.Json(new { alertKey = "fake", alertUrl = "http://127.0.0.1/alert", responseCode = "NEW_INCIDENT_CREATED" }, statusCode: StatusCodes.Status202Accepted);
            await result.ExecuteAsync(context);
            // A dropped connection answered nothing, even while Kestrel has not yet flagged the request as aborted.
            var dropped = result is DropConnection || context.RequestAborted.IsCancellationRequested;
            fake._received.Enqueue(request with { AnsweredStatus = dropped ? 0 : context.Response.StatusCode });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        fake = new FakeIlert(app, new Uri(address + "/"));
        return fake;
    }

    /// <summary>An answer that is no answer: the connection is dropped, as when ilert is unreachable.</summary>
    public static IResult Unreachable { get; } = new DropConnection();

    /// <summary>The requests the fake accepted (answered 2xx).</summary>
    public IReadOnlyList<RecordedRequest> Accepted => [.. _received.Where(r => r.Accepted)];

    /// <summary>Polls until <paramref name="count"/> requests have been accepted (answered 2xx), or fails at the deadline.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> WaitForAcceptedAsync(int count, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() => Accepted.Count >= count, $"{count} accepted requests at the fake ilert", timeout ?? TimeSpan.FromSeconds(20));
        return Accepted;
    }

    /// <summary>Polls until <paramref name="count"/> requests have arrived, or fails at the deadline.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() => _received.Count >= count, $"{count} requests at the fake ilert", timeout);
        return [.. _received];
    }

    /// <summary>
    /// Asserts that no request reached the fake once the gateway can no longer send one: first polls
    /// <paramref name="queued"/> (the events the gateway still holds) down to zero, so that a delivery still to come
    /// is waited out rather than missed by a check made right after the response.
    /// </summary>
    public async Task AssertNothingReceivedAsync(Func<Task<long>> queued, TimeSpan? within = null)
    {
        await Eventually.TrueAsync(async () => await queued() == 0, "the gateway to hold no queued event", within);
        Assert.Empty(_received);
    }

    /// <summary>The events a running gateway still holds (its outbox depth), from its management API's delivery summary.</summary>
    public static async Task<long> OutboxDepthAt(HttpClient management) =>
        (await management.GetFromJsonAsync<JsonObject>("/_gateway/delivery"))!["outboxDepth"]!.GetValue<long>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class DropConnection : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Abort();
            return Task.CompletedTask;
        }
    }
}
