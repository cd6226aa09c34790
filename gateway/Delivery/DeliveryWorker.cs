using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Delivers what the outbox holds: the oldest pending event of each alert, when due and when its integration key's
/// pace allows, several alerts at once. Woken by new events; otherwise it sleeps until the next event falls due.
/// On shutdown it stops taking work; an attempt cut short is retried after the restart. A storage fault never ends
/// it: the fault is reported and the worker looks again after a pause, so delivery resumes by itself.
/// </summary>
internal sealed class DeliveryWorker(IOutbox store, DeliveryAttempts attempts, IDeliveryPacer pacer, StoreFaults faults, IOptions<DeliveryOptions> options, TimeProvider time)
    : BackgroundService
{
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(10);

    private readonly SemaphoreSlim _wake = new(0, 1);

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

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var pause = settings.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                var (attempted, nextTurn) = await DeliverDueAsync(settings, stoppingToken);
                pause = settings.PollInterval;
                if (attempted)
                {
                    continue;
                }

                sleep = NextLook(settings, nextTurn);
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
    /// Claims and attempts what is due: whether it attempted anything, and when the earliest key that had to wait for
    /// its pace gets its next turn (null when none waited).
    /// </summary>
    private async Task<(bool Attempted, DateTimeOffset? NextTurn)> DeliverDueAsync(DeliveryOptions settings, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var due = store.Due(now, settings.Concurrency * 4);
        var waiting = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var batch = new List<OutboxMessage>();
        foreach (var message in due)
        {
            // A key that has used its window is passed over without a write (a mass incident's backlog would otherwise
            // be claimed and released at every look); its events wait for its turn.
            if (waiting.ContainsKey(message.PacingKey))
            {
                continue;
            }

            var turn = pacer.NextTurn(message.PacingKey);
            if (turn > time.GetUtcNow())
            {
                waiting[message.PacingKey] = turn;
                continue;
            }

            // Claimed first, paced second: in a cluster every replica sees the same due events, and a turn taken for an
            // event another replica claims would be a send that never happens (slower, though never over the limit).
            if (!store.TryClaim(message.Id, now, now + settings.ClaimDuration))
            {
                continue;
            }

            if (pacer.TryAcquire(message.PacingKey))
            {
                batch.Add(message);
                continue;
            }

            // Another sender took the turn in between.
            store.Release(message.Id);
            waiting[message.PacingKey] = pacer.NextTurn(message.PacingKey);
        }

        DateTimeOffset? nextTurn = waiting.Count > 0 ? waiting.Values.Min() : null;

        await Parallel.ForEachAsync(
            batch,
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = stoppingToken },
            async (message, cancellationToken) => await attempts.AttemptAsync(message, clientWaiting: false, cancellationToken));
        return (batch.Count > 0, nextTurn);
    }

    /// <summary>
    /// How long to sleep when nothing was attempted: until the next event falls due or the next pacing turn comes,
    /// whichever is first (a new event wakes the worker sooner), at most the poll interval.
    /// </summary>
    private TimeSpan NextLook(DeliveryOptions settings, DateTimeOffset? nextTurn)
    {
        var wake = time.GetUtcNow() + settings.PollInterval;
        if (nextTurn is { } turn && turn < wake)
        {
            wake = turn;
        }

        if (store.NextDue() is { } next && next < wake)
        {
            wake = next;
        }

        var sleep = wake - time.GetUtcNow();
        return sleep > MinimumSleep ? sleep : MinimumSleep;
    }
}
