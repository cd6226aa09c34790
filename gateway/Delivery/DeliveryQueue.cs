using HaloIlertGateway.Diagnostics;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Delivery's front door: an event is stored durably before anything else, then sent at once when it is the oldest
/// pending event of its alert and its key's pace allows, else left to the worker, which delivers it later, in order.
/// </summary>
internal sealed class DeliveryQueue(
    IOutbox outbox,
    DeliveryAttempts attempts,
    IDeliveryPacer pacer,
    DeliveryWorker worker,
    DeliveryMetrics metrics,
    StoreFaultReporter faults,
    IOptions<DeliveryOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time)
{
    /// <summary>
    /// Stores <paramref name="message"/> and attempts it while the client waits if it may. Null when it could not be
    /// stored (nothing was: the client must send it again); else its id, and the attempt's result when that is an
    /// answer for the client (not a retry). An event of a key on probation that finds the probation budget full is
    /// not stored either: <see cref="StoreBudgetException"/> (not a fault of the store). Takes no token: a request read
    /// whole is stored whether or not its client still waits.
    /// </summary>
    public async Task<Submission?> SubmitAsync(OutboxMessage message)
    {
        // A claim is asked for only when the key may send now: an event of a key that has used its window is stored
        // for the worker without being claimed and released again.
        var claimUntil = await MaySendNowAsync(message, CancellationToken.None) ? time.GetUtcNow() + options.Value.ClaimDuration : (DateTimeOffset?)null;
        long id;
        bool claimed;
        using (var span = GatewayActivitySource.Source.StartActivity("outbox.write"))
        {
            try
            {
                (id, claimed) = await outbox.EnqueueAsync(message, claimUntil, CancellationToken.None);
                faults.Succeeded();
                span?.SetTag("gateway.outbox.id", id);
            }
            catch (StoreBudgetException ex) when (ex.Probation)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "the probation budget is full");
                throw;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "the event could not be stored");
                faults.Report("store an event", ex);
                return null;
            }
        }

        metrics.OnQueued();
        // Stored: from here on nothing is tied to the request (a claim taken is used or given back whoever went away).
        if (claimed && !await MayAttemptNowAsync(message, lifetime.ApplicationStopping))
        {
            // Another sender took the key's last turn in between: the worker sends it at the key's next turn.
            claimed = false;
            await TryReleaseAsync(id);
        }

        if (claimed)
        {
            // The outcome must be recorded even if the client goes away, so the attempt is not tied to the request.
            var result = await attempts.AttemptAsync(message with { Id = id }, clientWaiting: true, lifetime.ApplicationStopping);
            if (result.Outcome != DeliveryOutcome.Retry)
            {
                // The event is gone: its alert's next one, stored meanwhile, heads it now and is due.
                worker.Wake();
                return new Submission(id, result);
            }
        }

        worker.Wake();
        return new Submission(id, null);
    }

    /// <summary>Stores an event for the worker only (a replayed dead letter); returns its outbox id. Throws when it cannot be stored.</summary>
    public async Task<long> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var (id, _) = await outbox.EnqueueAsync(message, claimUntil: null, cancellationToken);
        metrics.OnQueued();
        worker.Wake();
        return id;
    }

    /// <summary>Whether the key's window has room now (a question only: no turn is taken). A pacer that cannot be asked says no.</summary>
    private async ValueTask<bool> MaySendNowAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await pacer.NextTurnAsync(message.PacingKey, message.Probation, cancellationToken) <= time.GetUtcNow();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            faults.Report("pace an event", ex);
            return false;
        }
    }

    /// <summary>Takes the key's turn. A pacer that cannot be asked (a shared database down) says no: the event is stored, the worker sends it.</summary>
    private async ValueTask<bool> MayAttemptNowAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await pacer.TryAcquireAsync(message.PacingKey, message.Probation, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            faults.Report("pace an event", ex);
            return false;
        }
    }

    private async Task TryReleaseAsync(long id)
    {
        try
        {
            await outbox.ReleaseAsync(id, lifetime.ApplicationStopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The claim then runs out by itself (ClaimDuration), and the worker takes the event after that.
            faults.Report("release a claim", ex);
        }
    }
}
