using System.Diagnostics.Metrics;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Delivery counters as <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>HaloIlertGateway.Delivery</c>,
/// never a key in a tag) and as totals for the management endpoint; outbox depth and oldest age are observed from the store.
/// A gauge's callback is synchronous and must not wait on the store: it reports what the store said at the last
/// look and asks it again in the background (a scrape sees the depth as of the scrape before, or of the start).
/// </summary>
internal sealed class DeliveryMetrics : IDisposable
{
    public const string MeterName = "HaloIlertGateway.Delivery";

    private readonly Meter _meter;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _storeErrors;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _storeCalls;
    private long _queuedTotal;
    private long _deliveredTotal;
    private long _retriedTotal;
    private long _deadLetteredTotal;
    private readonly IOutbox _store;
    private OutboxStats? _stats;
    private int _refreshing;

    public DeliveryMetrics(IMeterFactory meters, IOutbox store, TimeProvider time)
    {
        _meter = meters.Create(MeterName);
        _queued = _meter.CreateCounter<long>("gateway.delivery.queued", unit: "{event}", description: "Events accepted into the outbox.");
        _delivered = _meter.CreateCounter<long>("gateway.delivery.delivered", unit: "{event}", description: "Events ilert accepted.");
        _retried = _meter.CreateCounter<long>("gateway.delivery.retried", unit: "{attempt}", description: "Failed attempts scheduled again.");
        _deadLettered = _meter.CreateCounter<long>("gateway.delivery.dead_lettered", unit: "{event}", description: "Events moved to the dead letters.");
        _rejected = _meter.CreateCounter<long>("gateway.delivery.rejected_requests", unit: "{request}", description: "Requests to alert routes refused for their body (kept as dead letters), by problem kind.");
        _storeErrors = _meter.CreateCounter<long>("gateway.delivery.store_errors", unit: "{error}", description: "Outbox operations that failed (a full disk, a vanished file).");
        _storeCalls = _meter.CreateHistogram("gateway.delivery.store.duration", unit: "s",
            description: "Time of the worker's store calls, by operation (due, next_due, claim): what a look and a claim cost as the backlog grows.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        // Observed on a scrape: a store that cannot be read reports nothing rather than failing the scrape.
        _store = store;
        _meter.CreateObservableGauge("gateway.delivery.outbox.depth", () => Observe(stats => stats.Depth), unit: "{event}", description: "Events waiting in the outbox.");
        _meter.CreateObservableGauge("gateway.delivery.outbox.oldest_age", () => Observe(stats => stats.Oldest is { } oldest ? (time.GetUtcNow() - oldest).TotalSeconds : 0), unit: "s", description: "Age of the oldest waiting event.");
        Refresh();
    }

    public long Queued => Interlocked.Read(ref _queuedTotal);

    public long Delivered => Interlocked.Read(ref _deliveredTotal);

    public long Retried => Interlocked.Read(ref _retriedTotal);

    public long DeadLettered => Interlocked.Read(ref _deadLetteredTotal);

    public void OnQueued() => Add(_queued, ref _queuedTotal);

    public void OnDelivered() => Add(_delivered, ref _deliveredTotal);

    public void OnRetried() => Add(_retried, ref _retriedTotal);

    public void OnDeadLettered() => Add(_deadLettered, ref _deadLetteredTotal);

    public void OnStoreError() => _storeErrors.Add(1);

    public void OnRejected(string kind) => _rejected.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>One of the worker's store calls (<c>due</c>, <c>next_due</c>, <c>claim</c>) took <paramref name="elapsed"/>.</summary>
    public void OnStoreCall(string operation, TimeSpan elapsed) =>
        _storeCalls.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    private IEnumerable<Measurement<double>> Observe(Func<OutboxStats, double> read)
    {
        Refresh();
        return _stats is { } stats ? [new Measurement<double>(read(stats))] : [];
    }

    /// <summary>Asks the store for its depth in the background, unless a question is running already.</summary>
    private void Refresh()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            var (depth, oldest) = await _store.StatsAsync(CancellationToken.None);
            _stats = new OutboxStats(depth, oldest);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A store that cannot be read now (a full disk, a vanished file, a database down, the host stopping): no depth.
            _stats = null;
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private sealed record OutboxStats(long Depth, DateTimeOffset? Oldest);

    public void Dispose() => _meter.Dispose();

    private static void Add(Counter<long> counter, ref long total)
    {
        counter.Add(1);
        Interlocked.Increment(ref total);
    }
}
