namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>An event handed to <see cref="PostgresGroupCommit"/>, and its caller's answer: its id and claim once committed, or why not.</summary>
internal sealed record PendingEnqueue(OutboxMessage Message, DateTimeOffset? ClaimUntil, TaskCompletionSource<(long Id, bool Claimed)> Done);
