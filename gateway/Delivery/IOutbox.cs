namespace HaloIlertGateway.Delivery;

/// <summary>
/// The events waiting for delivery, in order per alert: only the oldest pending event of an alert (its head) is ever
/// due or claimable. A claim (a lease until a time) lets one sender attempt an event; an expired claim is free again.
/// Rows and transactions only: pacing and retry policy live with the caller. Every member is asynchronous with a
/// <see cref="CancellationToken"/> (on PostgreSQL each is a round trip on the network, which must never hold a
/// thread of the pool that serves requests). Every implementation passes the contract suite in
/// <c>tests/…/Delivery/OutboxContract.cs</c>.
/// </summary>
internal interface IOutbox
{
    /// <summary>
    /// Stores <paramref name="message"/> durably; when it heads its alert and <paramref name="claimUntil"/> is given,
    /// claims it until then (an event of a key on probation only while no other event of its key is claimed).
    /// Completes once the event is committed (concurrent calls may share one commit); throws
    /// <see cref="StoreBudgetException"/> when storing it would exceed the outbox's budget or, for a key on probation,
    /// the probation budget (<see cref="StoreBudgets"/>).
    /// </summary>
    Task<(long Id, bool Claimed)> EnqueueAsync(OutboxMessage message, DateTimeOffset? claimUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Events due at <paramref name="now"/> that head their alert and are not claimed, as <paramref name="filter"/>
    /// takes them: known keys first, then in turns across keys, oldest first.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> DueAsync(DateTimeOffset now, int limit, DueFilter filter, CancellationToken cancellationToken);

    /// <summary>When the next head may be attempted (due and not claimed), if any.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Claims an event until <paramref name="until"/> unless another claim on it is still running, or (a key on
    /// probation) on another event of its key.
    /// </summary>
    Task<bool> TryClaimAsync(long id, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives a claim up without an attempt: the event is free for the worker at once.</summary>
    Task ReleaseAsync(long id, CancellationToken cancellationToken);

    /// <summary>Delivered (or answered to the client): gone, and the next event of its alert heads it.</summary>
    Task RemoveAsync(long id, CancellationToken cancellationToken);

    /// <summary>A failed attempt: counted, unclaimed, and due again at <paramref name="nextAttempt"/>.</summary>
    Task RescheduleAsync(long id, DateTimeOffset nextAttempt, string error, int? status, CancellationToken cancellationToken);

    /// <summary>
    /// Moves an event to the dead letters in one transaction (older dead letters pruned to their budgets); the next
    /// event of its alert heads it.
    /// </summary>
    Task MoveToDeadLettersAsync(OutboxMessage message, string kind, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The oldest events, without their bodies (a listing never reads one).</summary>
    Task<IReadOnlyList<OutboxMessage>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>What each class of row holds now (<see cref="StoreBudgets"/>).</summary>
    Task<StoreUsage> UsageAsync(CancellationToken cancellationToken);

    /// <summary>The claims running at <paramref name="now"/>: which event, held by which replica, until when.</summary>
    Task<IReadOnlyList<Lease>> LeasesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>How many events wait, and when the oldest was created.</summary>
    Task<(long Depth, DateTimeOffset? Oldest)> StatsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes and commits an event-sized row and removes it, and checks the outbox's budget has room for one; throws
    /// when the store cannot take an event now.
    /// </summary>
    Task CheckWritableAsync(CancellationToken cancellationToken);
}
