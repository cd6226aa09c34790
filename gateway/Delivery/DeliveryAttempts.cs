using HaloIlertGateway.Diagnostics;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// One attempt at an outbox event and what follows from it, the same for the immediate attempt and the worker's:
/// delivered → removed; rejected → handed back to a waiting client, else dead-lettered; anything else → retried
/// after a backoff with jitter (or ilert's Retry-After), until <see cref="DeliveryOptions.MaxAge"/>, then dead-lettered.
/// </summary>
internal sealed partial class DeliveryAttempts(
    DeliverySender sender,
    IDeliveryPacer pacer,
    IOutbox store,
    DeliveryKeys keys,
    DeliveryMetrics metrics,
    StoreFaultReporter faults,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryAttempts> logger)
{
    public async Task<DeliveryResult> AttemptAsync(OutboxMessage message, bool clientWaiting, CancellationToken cancellationToken)
    {
        // A later attempt continues the trace of the request that queued the event: its logs (and the call to ilert)
        // carry that request's trace id. An attempt made while the client waits is in that trace already.
        using var activity = !clientWaiting && message.TraceParent is { } parent
            ? GatewayActivitySource.Source.StartActivity("delivery.attempt", System.Diagnostics.ActivityKind.Client, parent)
            : GatewayActivitySource.Source.StartActivity("delivery.attempt", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("gateway.outbox.id", message.Id);
        activity?.SetTag("gateway.attempt", message.Attempts + 1);
        var result = await sender.SendAsync(message, cancellationToken);
        // Once ilert has answered, what it said is written whatever happens to the caller (a client that hung up, the
        // host stopping): a delivered event left in the outbox would be sent again after a restart, a 2xx answered as
        // a failure. Each write is still bounded by the store's command timeout.
        var written = CancellationToken.None;
        if (result.Status == StatusCodes.Status429TooManyRequests)
        {
            // ilert's limit for this key is reached whatever our count says: hold the whole key, not only this event.
            try
            {
                await pacer.PauseAsync(message.PacingKey, result.RetryAfter is { } after && after > TimeSpan.Zero ? after : options.Value.RateLimitedBackoff, written);
            }
            catch (Exception ex)
            {
                // The event's own backoff still applies; only the other events of its key are not held.
                faults.Report("pause a key after ilert's 429", ex);
            }
        }

        try
        {
            await RecordAsync(message, result, clientWaiting, written);
            faults.Succeeded();
        }
        catch (Exception ex)
        {
            // The outcome could not be written: the event stays claimed until its claim expires, then it is attempted
            // again (delivery is at least once; ilert deduplicates by alertKey).
            faults.Report("record a delivery attempt", ex);
        }

        try
        {
            // What ilert said of the key: known after a 2xx, refused after "no such key".
            await keys.LearnAsync(message, result, written);
        }
        catch (Exception ex)
        {
            faults.Report("record what ilert said of an integration key", ex);
        }

        return result;
    }

    /// <summary>
    /// An event whose key may not be sent to (refused by ilert, or not allowed) becomes a dead letter without an
    /// attempt; its alert's next events follow it there.
    /// </summary>
    public async Task SetAsideAsync(OutboxMessage message, KeyClass keyClass, CancellationToken cancellationToken)
    {
        var reason = keyClass == KeyClass.Refused
            ? $"not sent: ilert refused its integration key as unknown{(keys.RefusedUntil(message.PacingKey) is { } until ? $" (until {until:u})" : string.Empty)}"
            : $"not sent: its integration key is not in {DeliveryOptions.SectionName}:AllowedKeys";
        await store.MoveToDeadLettersAsync(message, DeadLetter.IlertRejected, reason, time.GetUtcNow(), cancellationToken);
        metrics.OnDeadLettered();
        Log.SetAside(logger, message.Id, message.Route, reason);
    }

    private async Task RecordAsync(OutboxMessage message, DeliveryResult result, bool clientWaiting, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (result.Outcome)
        {
            case DeliveryOutcome.Delivered:
                await store.RemoveAsync(message.Id, cancellationToken);
                metrics.OnDelivered();
                Log.Delivered(logger, message.Id, message.Route, result.Status ?? 0, message.Attempts + 1);
                break;
            case DeliveryOutcome.Unsendable:
                await store.MoveToDeadLettersAsync(message with { Attempts = message.Attempts + 1 }, DeadLetter.Unsendable, result.Error ?? "unsendable", now, cancellationToken);
                metrics.OnDeadLettered();
                Log.Unsendable(logger, message.Id, message.Route, result.Error ?? "unsendable");
                break;
            case DeliveryOutcome.Rejected when clientWaiting:
                await store.RemoveAsync(message.Id, cancellationToken);
                Log.Rejected(logger, message.Id, message.Route, result.Status ?? 0);
                break;
            case DeliveryOutcome.Rejected:
                await store.MoveToDeadLettersAsync(message with { Attempts = message.Attempts + 1, LastStatus = result.Status }, DeadLetter.IlertRejected, result.Error ?? "rejected", now, cancellationToken);
                metrics.OnDeadLettered();
                Log.Rejected(logger, message.Id, message.Route, result.Status ?? 0);
                break;
            case DeliveryOutcome.Retry when now - message.CreatedAt >= options.Value.MaxAge:
                await store.MoveToDeadLettersAsync(message with { Attempts = message.Attempts + 1, LastStatus = result.Status }, DeadLetter.Expired, $"not delivered within {options.Value.MaxAge}: {result.Error}", now, cancellationToken);
                metrics.OnDeadLettered();
                Log.Expired(logger, message.Id, message.Route, message.Attempts + 1);
                break;
            default:
                var delay = RetryBackoff.Next(message.Attempts, result, options.Value, Random.Shared.NextDouble());
                await store.RescheduleAsync(message.Id, now + delay, result.Error ?? "failed", result.Status, cancellationToken);
                metrics.OnRetried();
                Log.Retrying(logger, message.Id, message.Route, message.Attempts + 1, result.Error ?? "failed", delay.TotalSeconds);
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Event {Id} of route {Route} delivered ({Status}) at attempt {Attempt}")]
        public static partial void Delivered(ILogger logger, long id, string route, int status, int attempt);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Event {Id} of route {Route} attempt {Attempt} failed ({Error}); next in {DelaySeconds:0.0} s")]
        public static partial void Retrying(ILogger logger, long id, string route, int attempt, string error, double delaySeconds);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Event {Id} of route {Route} was rejected by ilert ({Status}) and is not retried")]
        public static partial void Rejected(ILogger logger, long id, string route, int status);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Event {Id} of route {Route} cannot be sent ({Error}) and is now a dead letter; its alert's next events go on")]
        public static partial void Unsendable(ILogger logger, long id, string route, string error);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Event {Id} of route {Route} expired after {Attempts} attempts and is now a dead letter")]
        public static partial void Expired(ILogger logger, long id, string route, int attempts);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Event {Id} of route {Route} is now a dead letter, {Reason}")]
        public static partial void SetAside(ILogger logger, long id, string route, string reason);
    }
}
