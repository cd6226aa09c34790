using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Delivers what the outbox holds: the oldest pending event of each alert, when due and when its integration key's
/// pace allows, several alerts at once. Woken by new events; otherwise it sleeps until the next event falls due.
/// On shutdown it stops taking work; an attempt cut short is retried after the restart.
/// </summary>
internal sealed class DeliveryWorker(OutboxStore store, DeliveryAttempts attempts, DeliveryPacer pacer, IOptions<DeliveryOptions> options, TimeProvider time)
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
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var due = store.Due(now, settings.Concurrency * 4);
            var paced = false;
            var batch = new List<OutboxMessage>();
            foreach (var message in due)
            {
                if (!pacer.TryAcquire(message.PacingKey))
                {
                    paced = true;
                }
                else if (store.TryClaim(message.Id, now, now + settings.AttemptTimeout + TimeSpan.FromSeconds(5)))
                {
                    batch.Add(message);
                }
            }

            await Parallel.ForEachAsync(
                batch,
                new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = stoppingToken },
                async (message, cancellationToken) => await attempts.AttemptAsync(message, clientWaiting: false, cancellationToken));

            if (batch.Count > 0)
            {
                continue;
            }

            var sleep = settings.PollInterval;
            if (paced)
            {
                // Due but waiting for their key's turn: look again when the next turn comes.
                sleep = pacer.Interval < sleep ? pacer.Interval : sleep;
            }
            else if (store.NextDue() is { } next && next - time.GetUtcNow() is var untilNext && untilNext < sleep)
            {
                sleep = untilNext > MinimumSleep ? untilNext : MinimumSleep;
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
}
