namespace HaloIlertGateway.Admin;

/// <summary>Delivery since start (counters) and now (outbox depth, the oldest event's age, dead letters).</summary>
internal sealed record DeliverySummary(long Queued, long Delivered, long Retried, long DeadLettered, long OutboxDepth, double OldestAgeSeconds, long DeadLetters);
