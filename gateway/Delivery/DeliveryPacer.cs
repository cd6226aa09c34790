using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Spaces the events of each ilert integration key to <see cref="DeliveryOptions.RatePerMinutePerKey"/> (one per
/// interval, no burst at ilert's rates), so that a backlog drains without a storm of 429s; other keys are not held up.
/// </summary>
internal sealed class DeliveryPacer : IDisposable
{
    private static readonly TimeSpan RefillTick = TimeSpan.FromMilliseconds(100);

    private readonly PartitionedRateLimiter<string> _limiter;

    public DeliveryPacer(IOptions<DeliveryOptions> options)
    {
        Interval = TimeSpan.FromMinutes(1) / options.Value.RatePerMinutePerKey;

        // A partitioned limiter refills its buckets on a 100 ms tick: above 10 per second a tick must bring several
        // tokens (and allow as many at once) for the configured rate to be reachable.
        var perTick = (int)Math.Max(1, Math.Ceiling(RefillTick / Interval));
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perTick,
            TokensPerPeriod = perTick,
            ReplenishmentPeriod = Interval * perTick,
            QueueLimit = 0,
        }));
    }

    /// <summary>The spacing between two events of one key.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Takes the key's turn if it is free now.</summary>
    public bool TryAcquire(string pacingKey)
    {
        using var lease = _limiter.AttemptAcquire(pacingKey);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
