namespace HaloIlertGateway.Ingest;

/// <summary>What replaying a dead letter did: <c>queued</c> (with its new outbox id), <c>dropped</c>, <c>failed</c> (still a dead letter, with why) or <c>not-found</c>.</summary>
internal sealed record ReplayResult(long DeadLetter, string Outcome, long? OutboxId, string? Detail);
