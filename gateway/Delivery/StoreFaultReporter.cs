namespace HaloIlertGateway.Delivery;

/// <summary>
/// Storage faults as delivery meets them (a full disk, a vanished or read-only file): every one is counted
/// (<c>gateway.delivery.store_errors</c>), the first of a burst is logged as an error, then at most one a minute while
/// it goes on, and the first success after it is logged as the recovery. Nothing here throws.
/// </summary>
internal sealed partial class StoreFaultReporter(DeliveryMetrics metrics, TimeProvider time, ILogger<StoreFaultReporter> logger)
{
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private DateTimeOffset? _failingSince;
    private DateTimeOffset _lastLogged;
    private long _suppressed;

    public void Report(string operation, Exception exception)
    {
        metrics.OnStoreError();
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_failingSince is not null && now - _lastLogged < QuietPeriod)
            {
                _suppressed++;
                return;
            }

            _failingSince ??= now;
            _lastLogged = now;
            Log.Failing(logger, operation, exception.GetType().Name, exception.Message, _suppressed);
            _suppressed = 0;
        }
    }

    public void Succeeded()
    {
        if (_failingSince is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_failingSince is { } since)
            {
                var seconds = (time.GetUtcNow() - since).TotalSeconds;
                Log.Recovered(logger, seconds, _suppressed);
                _failingSince = null;
                _suppressed = 0;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "The outbox could not {Operation} ({ExceptionType}: {Error}); alert routes answer 503 until it can ({Suppressed} more such errors since the last report)")]
        public static partial void Failing(ILogger logger, string operation, string exceptionType, string error, long suppressed);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "The outbox is writable again after {Seconds:0} s ({Suppressed} errors not reported one by one)")]
        public static partial void Recovered(ILogger logger, double seconds, long suppressed);
    }
}
