using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// ilert's limit, exactly: at most <see cref="DeliveryOptions.RatePerMinutePerKey"/> sends per integration key in
/// any rolling <see cref="DeliveryOptions.PacingWindow"/> (ilert takes 50 a minute; the gateway counts its window
/// <see cref="DeliveryOptions.PacingMargin"/> longer, since ilert counts arrivals), a burst of up to that many at
/// once, at most <see cref="DeliveryOptions.MaxSendsPerWindow"/> across all keys, and at most
/// <see cref="DeliveryOptions.ProbationSendsPerWindow"/> across keys ilert has not accepted yet. Each key keeps the times of its
/// sends within the window (a log of at most N entries): a send is allowed when fewer than N fall inside the window
/// ending now, so no window of that length ever holds more than N. A 429 from ilert pauses the key
/// (<see cref="Pause"/>); other keys go on.
/// <para>
/// Written by hand: System.Threading.RateLimiting's sliding window counts in segments and its token bucket refills
/// on a timer, so neither bounds every rolling window exactly; a log of send times does, and says when the next turn
/// comes (<see cref="NextTurn"/>), so the worker sleeps until then instead of polling.
/// </para>
/// </summary>
internal sealed class DeliveryPacer(IOptions<DeliveryOptions> options, TimeProvider time) : IDeliveryPacer
{
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, SendLog> _keys = new(StringComparer.Ordinal);
    private readonly SendLog _all = new();
    private readonly SendLog _probation = new();
    private readonly int _perKey = options.Value.RatePerMinutePerKey;
    private readonly int _overall = options.Value.MaxSendsPerWindow;
    private readonly int _probationShare = options.Value.ProbationSendsPerWindow;
    private readonly long _window = (long)((options.Value.PacingWindow + options.Value.PacingMargin).TotalSeconds * time.TimestampFrequency);

    // The contract is asynchronous for a pacer in a shared database; this one is memory and answers at once.
    ValueTask<bool> IDeliveryPacer.TryAcquireAsync(string pacingKey, bool probation, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryAcquire(pacingKey, probation));

    ValueTask<DateTimeOffset> IDeliveryPacer.NextTurnAsync(string pacingKey, bool probation, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NextTurn(pacingKey, probation));

    ValueTask<DateTimeOffset> IDeliveryPacer.NextProbationTurnAsync(CancellationToken cancellationToken) => ValueTask.FromResult(NextProbationTurn());

    ValueTask IDeliveryPacer.PauseAsync(string pacingKey, TimeSpan pause, CancellationToken cancellationToken)
    {
        Pause(pacingKey, pause);
        return ValueTask.CompletedTask;
    }

    /// <summary>Takes a send for the key if the windows allow it now. Locks are taken key, probation, all: always in that order.</summary>
    public bool TryAcquire(string pacingKey, bool probation)
    {
        var now = time.GetTimestamp();
        var log = _keys.GetOrAdd(pacingKey, _ => new SendLog());
        lock (log)
        {
            if (log.NextTurn(now, _perKey, _window) > now)
            {
                return false;
            }

            lock (_probation)
            {
                if (probation && _probation.NextTurn(now, _probationShare, _window) > now)
                {
                    return false;
                }

                lock (_all)
                {
                    if (_all.NextTurn(now, _overall, _window) > now)
                    {
                        return false;
                    }

                    _all.Add(now);
                }

                if (probation)
                {
                    _probation.Add(now);
                }
            }

            log.Add(now);
        }

        Sweep(now);
        return true;
    }

    /// <summary>When the key may send next (now, if it may now).</summary>
    public DateTimeOffset NextTurn(string pacingKey, bool probation)
    {
        var now = time.GetTimestamp();
        var turn = now;
        if (_keys.TryGetValue(pacingKey, out var log))
        {
            lock (log)
            {
                turn = Math.Max(turn, log.NextTurn(now, _perKey, _window));
            }
        }

        if (probation)
        {
            lock (_probation)
            {
                turn = Math.Max(turn, _probation.NextTurn(now, _probationShare, _window));
            }
        }

        lock (_all)
        {
            turn = Math.Max(turn, _all.NextTurn(now, _overall, _window));
        }

        return At(now, turn);
    }

    public DateTimeOffset NextProbationTurn()
    {
        var now = time.GetTimestamp();
        long turn;
        lock (_probation)
        {
            turn = _probation.NextTurn(now, _probationShare, _window);
        }

        lock (_all)
        {
            turn = Math.Max(turn, _all.NextTurn(now, _overall, _window));
        }

        return At(now, turn);
    }

    private DateTimeOffset At(long now, long turn) => time.GetUtcNow() + TimeSpan.FromSeconds((turn - now) / (double)time.TimestampFrequency);

    /// <summary>ilert answered 429 for this key: none of its events is sent before <paramref name="pause"/> has passed.</summary>
    public void Pause(string pacingKey, TimeSpan pause)
    {
        var until = time.GetTimestamp() + (long)(pause.TotalSeconds * time.TimestampFrequency);
        var log = _keys.GetOrAdd(pacingKey, _ => new SendLog());
        lock (log)
        {
            log.PausedUntil = Math.Max(log.PausedUntil, until);
        }
    }

    /// <summary>Forgets keys with no send in the window and no pause, so that the map stays as small as the set of busy keys.</summary>
    private void Sweep(long now)
    {
        if (_keys.Count <= SweepAbove)
        {
            return;
        }

        foreach (var (key, log) in _keys)
        {
            lock (log)
            {
                if (log.IsIdle(now, _window))
                {
                    _keys.TryRemove(KeyValuePair.Create(key, log));
                }
            }
        }
    }

    /// <summary>The send times within the window (oldest first) and a pause; guarded by locking the instance.</summary>
    private sealed class SendLog
    {
        private readonly Queue<long> _sends = new();

        public long PausedUntil { get; set; }

        public void Add(long now) => _sends.Enqueue(now);

        /// <summary>The first moment at which a send keeps at most <paramref name="limit"/> in any window: now, or when the oldest leaves it.</summary>
        public long NextTurn(long now, int limit, long window)
        {
            while (_sends.Count > 0 && _sends.Peek() <= now - window)
            {
                _sends.Dequeue();
            }

            var turn = _sends.Count < limit ? now : _sends.ElementAt(_sends.Count - limit) + window;
            return Math.Max(turn, PausedUntil);
        }

        public bool IsIdle(long now, long window) => PausedUntil <= now && (_sends.Count == 0 || _sends.Max() <= now - window);
    }
}
