using HaloIlertGateway.Hosting;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Logging;
using Yarp.ReverseProxy.Model;

namespace HaloIlertGateway.Admin;

/// <summary>
/// The last requests the public port served, for the operator page: time, method, path (keys masked), route, status,
/// duration. A bounded ring: memory does not grow with traffic.
/// </summary>
internal sealed class RecentRequests
{
    public const int Capacity = 100;

    private readonly Entry[] _ring = new Entry[Capacity];
    private long _next;

    public void Add(Entry entry) => _ring[(Interlocked.Increment(ref _next) - 1) % Capacity] = entry;

    /// <summary>Newest first.</summary>
    public IReadOnlyList<Entry> Snapshot()
    {
        var count = Math.Min(Interlocked.Read(ref _next), Capacity);
        var end = Interlocked.Read(ref _next);
        return [.. Enumerable.Range(1, (int)count).Select(i => _ring[(end - i) % Capacity]).Where(e => e is not null)];
    }

    /// <summary>Records every request of the public pipeline after it completes.</summary>
    public static IApplicationBuilder UseRecentRequests(IApplicationBuilder app)
    {
        var recent = app.ApplicationServices.GetRequiredService<RecentRequests>();
        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        return app.Use(async (context, next) =>
        {
            var started = time.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                // The start-up warm-up's own request is not traffic.
                if (context.Request.Headers[StartupWarmup.MarkerHeader] != StartupWarmup.Marker)
                {
                    recent.Add(new Entry(
                        time.GetUtcNow(),
                        context.Request.Method,
                        SecretRedactor.Redact(context.Request.Path.Value ?? "/"),
                        context.Features.Get<IReverseProxyFeature>()?.Route.Config.RouteId,
                        context.Response.StatusCode,
                        IngestOutcome.Get(context),
                        time.GetElapsedTime(started).TotalMilliseconds));
                }
            }
        });
    }

    /// <summary>One request; <see cref="Outcome"/> says what became of a webhook (queued, delivered, dropped, …), null elsewhere.</summary>
    internal sealed record Entry(DateTimeOffset At, string Method, string Path, string? Route, int Status, string? Outcome, double DurationMs);
}
