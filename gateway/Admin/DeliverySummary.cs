namespace HaloIlertGateway.Admin;

/// <summary>
/// Delivery since start (counters) and now (outbox depth, the oldest event's age, dead letters), what each class of row
/// holds of its budget (<see cref="StorageView"/>) and how many integration keys ilert has accepted and refused.
/// </summary>
internal sealed record DeliverySummary(
    long Queued, long Delivered, long Retried, long DeadLettered, long OutboxDepth, double OldestAgeSeconds, long DeadLetters, StorageView Storage, KeysView Keys);

/// <summary>Bytes held by each class of row, and each class's budget (see docs/edge.md "Exposing the gateway to the internet").</summary>
internal sealed record StorageView(
    long EventsBytes, long ProbationBytes, long ProbationBudget, long DeadLetterBytes, long DeadLetterBudget, long AnonymousDeadLetterBytes,
    long AnonymousDeadLetterBudget, long TotalBytes, long TotalBudget);

/// <summary>Integration keys ilert has accepted (known) and refused (until their refusal ends); any other is on probation.</summary>
internal sealed record KeysView(long Known, long Refused);
