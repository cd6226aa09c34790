namespace HaloIlertGateway.Delivery;

/// <summary>
/// The events waiting for delivery, in order per alert: only the oldest pending event of an alert (its head) is ever
/// due or claimable. A claim (a lease until a time) lets one sender attempt an event; an expired claim is free again.
/// Rows and transactions only: pacing and retry policy live with the caller. Every implementation passes the contract
/// suite in <c>tests/…/Delivery/OutboxContract.cs</c>.
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
    Task<(long Id, bool Claimed)> EnqueueAsync(OutboxMessage message, DateTimeOffset? claimUntil);

    /// <summary>
    /// Events due at <paramref name="now"/> that head their alert and are not claimed, as <paramref name="filter"/>
    /// takes them: known keys first, then in turns across keys, oldest first.
    /// </summary>
    IReadOnlyList<OutboxMessage> Due(DateTimeOffset now, int limit, DueFilter filter);

    /// <summary>When the next head may be attempted (due and not claimed), if any.</summary>
    DateTimeOffset? NextDue();

    /// <summary>
    /// Claims an event until <paramref name="until"/> unless another claim on it is still running, or (a key on
    /// probation) on another event of its key.
    /// </summary>
    bool TryClaim(long id, DateTimeOffset now, DateTimeOffset until);

    /// <summary>Gives a claim up without an attempt: the event is free for the worker at once.</summary>
    void Release(long id);

    /// <summary>Delivered (or answered to the client): gone, and the next event of its alert heads it.</summary>
    void Remove(long id);

    /// <summary>A failed attempt: counted, unclaimed, and due again at <paramref name="nextAttempt"/>.</summary>
    void Reschedule(long id, DateTimeOffset nextAttempt, string error, int? status);

    /// <summary>
    /// Moves an event to the dead letters in one transaction (older dead letters pruned to their budgets); the next
    /// event of its alert heads it.
    /// </summary>
    void MoveToDeadLetters(OutboxMessage message, string kind, string reason, DateTimeOffset now);

    /// <summary>The oldest events, without their bodies (a listing never reads one).</summary>
    IReadOnlyList<OutboxMessage> List(int limit);

    /// <summary>What each class of row holds now (<see cref="StoreBudgets"/>).</summary>
    StoreUsage Usage();

    /// <summary>The claims running at <paramref name="now"/>: which event, held by which replica, until when.</summary>
    IReadOnlyList<Lease> Leases(DateTimeOffset now);

    /// <summary>How many events wait, and when the oldest was created.</summary>
    (long Depth, DateTimeOffset? Oldest) Stats();

    /// <summary>
    /// Writes and commits an event-sized row and removes it, and checks the outbox's budget has room for one; throws
    /// when the store cannot take an event now.
    /// </summary>
    void CheckWritable();
}
