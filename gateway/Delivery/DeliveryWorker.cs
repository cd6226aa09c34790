using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Delivers what the outbox holds: the oldest pending event of each alert, when due and when its integration key's
/// pace allows, several alerts at once. Known keys are served first; within a class the keys take turns, so one key's
/// backlog never holds back another key's head; keys on probation share a small part of the budget
/// (<see cref="DeliveryOptions.ProbationSharePercent"/>), and an event of a key ilert refused is set aside unsent.
/// Woken by new events and finished attempts (and on PostgreSQL by the other replicas' new events); otherwise it sleeps
/// until the next event falls due or the next paced turn comes, at most <see cref="DeliveryOptions.PollInterval"/>.
/// On shutdown it stops taking work; an attempt cut short is retried after the restart. A storage fault never ends
/// it: the fault is reported and the worker looks again after a pause, so delivery resumes by itself.
/// </summary>
internal sealed class DeliveryWorker(
    IOutbox store,
    DeliveryAttempts attempts,
    IDeliveryPacer pacer,
    DeliveryKeys keys,
    StoreFaultReporter faults,
    DeliveryMetrics metrics,
    IOptions<DeliveryOptions> options,
    TimeProvider time)
    : BackgroundService
{
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest sleep while changes other replicas make may go unheard, and the first pause after a fault.</summary>
    private static readonly TimeSpan ShortLook = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Whether every change that could give this worker work wakes it: on SQLite always (each is this gateway's own).</summary>
    private volatile bool _hearsEveryChange = true;

    /// <summary>Keys that have used their window, and when their next turn comes (the worker's own: one loop runs at a time).</summary>
    private readonly Dictionary<string, DateTimeOffset> _waiting = new(StringComparer.Ordinal);

    /// <summary>Asks the worker to look at the outbox now.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    /// <summary>
    /// Whether the other replicas' new events wake this worker (the PostgreSQL listener is connected): while they do
    /// not, it looks at least every second.
    /// </summary>
    public void HearsOtherReplicas(bool hearing) => _hearsEveryChange = hearing;

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var firstPause = settings.PollInterval < ShortLook ? settings.PollInterval : ShortLook;
        var pause = firstPause;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                var (attempted, nextTurn) = await DeliverDueAsync(settings, stoppingToken);
                pause = firstPause;
                if (attempted)
                {
                    continue;
                }

                sleep = await NextLookAsync(settings, nextTurn, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The outbox cannot be read or written now (a full disk, a vanished file): report, pause, look again.
                faults.Report("be read by the delivery worker", ex);
                sleep = pause;
                pause = pause * 2 < MaximumPause ? pause * 2 : MaximumPause;
            }

            try
            {
                await _wake.WaitAsync(sleep, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static readonly TimeSpan MaximumPause = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Claims and attempts what is due: whether it attempted (or set aside) anything, and when it should look next at
    /// the latest (the earliest paced turn it waits for; null when it waits for none).
    /// </summary>
    private async Task<(bool Attempted, DateTimeOffset? NextTurn)> DeliverDueAsync(DeliveryOptions settings, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        foreach (var key in _waiting.Where(pair => pair.Value <= now).Select(pair => pair.Key).ToList())
        {
            _waiting.Remove(key);
        }

        // A key that has used its window is not asked for (a mass incident's backlog would otherwise be read, and claimed
        // and released, at every look); keys on probation only while their share has room.
        var probationTurn = await pacer.NextProbationTurnAsync(stoppingToken);
        var probationOpen = probationTurn <= time.GetUtcNow();
        var due = await TimedAsync("due", () => store.DueAsync(now, settings.Concurrency * 4, new DueFilter([.. _waiting.Keys], probationOpen, settings.Concurrency), stoppingToken));
        var batch = new List<OutboxMessage>();
        var setAside = false;
        foreach (var message in due)
        {
            if (_waiting.ContainsKey(message.PacingKey))
            {
                continue;
            }

            // The key's class as it is now (the event's own mark may be older: the key may have become known since); a
            // store that cannot say leaves the event's own mark.
            var keyClass = await ClassOfAsync(message, stoppingToken);
            if (keyClass is KeyClass.Refused or KeyClass.NotAllowed)
            {
                await attempts.SetAsideAsync(message, keyClass, stoppingToken);
                setAside = true;
                continue;
            }

            var probation = keyClass == KeyClass.Probation;
            var turn = await pacer.NextTurnAsync(message.PacingKey, probation, stoppingToken);
            if (turn > time.GetUtcNow())
            {
                _waiting[message.PacingKey] = turn;
                continue;
            }

            // Claimed first, paced second: in a cluster every replica sees the same due events, and a turn taken for an
            // event another replica claims would be a send that never happens (slower, though never over the limit).
            if (!await TimedAsync("claim", () => store.TryClaimAsync(message.Id, now, now + settings.ClaimDuration, stoppingToken)))
            {
                continue;
            }

            if (await pacer.TryAcquireAsync(message.PacingKey, probation, stoppingToken))
            {
                batch.Add(message with { Probation = probation });
                continue;
            }

            // Another sender took the turn in between.
            await store.ReleaseAsync(message.Id, stoppingToken);
            _waiting[message.PacingKey] = await pacer.NextTurnAsync(message.PacingKey, probation, stoppingToken);
        }

        DateTimeOffset? nextTurn = _waiting.Count > 0 ? _waiting.Values.Min() : null;
        if (!probationOpen && (nextTurn is null || probationTurn < nextTurn))
        {
            nextTurn = probationTurn;
        }

        await Parallel.ForEachAsync(
            batch,
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = stoppingToken },
            async (message, cancellationToken) => await attempts.AttemptAsync(message, clientWaiting: false, cancellationToken));
        return (batch.Count > 0 || setAside, nextTurn);
    }

    /// <summary>A store call, its time recorded (<c>gateway.delivery.store.duration</c>) whether it succeeds or not.</summary>
    private async Task<T> TimedAsync<T>(string operation, Func<Task<T>> call)
    {
        var start = time.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            metrics.OnStoreCall(operation, time.GetElapsedTime(start));
        }
    }

    private async ValueTask<KeyClass> ClassOfAsync(OutboxMessage message, CancellationToken stoppingToken)
    {
        try
        {
            return await keys.ClassOfAsync(message.PacingKey, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            faults.Report("read an integration key's class", ex);
            return message.Probation ? KeyClass.Probation : KeyClass.Known;
        }
    }

    /// <summary>
    /// How long to sleep when nothing was attempted: until the next event falls due or the next paced turn comes,
    /// whichever is first (a new event wakes the worker sooner), at most the poll interval (a second while other
    /// replicas' changes go unheard). A head due already that was
    /// not taken waits for a paced turn (its key's, or the probation share's), which <paramref name="nextTurn"/> says.
    /// </summary>
    private async Task<TimeSpan> NextLookAsync(DeliveryOptions settings, DateTimeOffset? nextTurn, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var wake = now + (_hearsEveryChange || settings.PollInterval < ShortLook ? settings.PollInterval : ShortLook);
        if (nextTurn is { } turn && turn < wake)
        {
            wake = turn;
        }

        if (await TimedAsync("next_due", () => store.NextDueAsync(stoppingToken)) is { } next && next > now && next < wake)
        {
            wake = next;
        }

        var sleep = wake - time.GetUtcNow();
        return sleep > MinimumSleep ? sleep : MinimumSleep;
    }
}
