using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Spaces the events of each ilert integration key at least <see cref="Interval"/> apart
/// (<see cref="DeliveryOptions.RatePerMinutePerKey"/>), so that a backlog drains without a storm of 429s; other keys
/// are not held up. Written by hand on purpose: System.Threading.RateLimiting's partitioned limiters refill on a
/// 100 ms tick and catch up after a late tick, so two sends can come closer than the interval; pacing needs a minimum
/// spacing, which this keeps exactly (one timestamp per key, swapped atomically).
/// </summary>
internal sealed class DeliveryPacer(IOptions<DeliveryOptions> options, TimeProvider time)
{
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, long> _nextTurn = new(StringComparer.Ordinal);

    /// <summary>The spacing between two events of one key.</summary>
    public TimeSpan Interval { get; } = TimeSpan.FromMinutes(1) / options.Value.RatePerMinutePerKey;

    /// <summary>Takes the key's turn if it is free now.</summary>
    public bool TryAcquire(string pacingKey)
    {
        var now = time.GetTimestamp();
        var interval = (long)(Interval.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            if (!_nextTurn.TryGetValue(pacingKey, out var next))
            {
                if (_nextTurn.TryAdd(pacingKey, now + interval))
                {
                    Sweep(now);
                    return true;
                }

                continue;
            }

            if (now < next)
            {
                return false;
            }

            if (_nextTurn.TryUpdate(pacingKey, now + interval, next))
            {
                return true;
            }
        }
    }

    /// <summary>Forgets keys whose turn has long come, so that the map stays as small as the set of busy keys.</summary>
    private void Sweep(long now)
    {
        if (_nextTurn.Count <= SweepAbove)
        {
            return;
        }

        foreach (var (key, next) in _nextTurn)
        {
            if (next < now)
            {
                _nextTurn.TryRemove(KeyValuePair.Create(key, next));
            }
        }
    }
}
