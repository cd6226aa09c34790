namespace HaloIlertGateway.Delivery;

/// <summary>
/// What could not be delivered, kept until ops replay or delete it: events that expired or ilert refused (moved here
/// by <see cref="IOutbox.MoveToDeadLetters"/>), and requests a transform could not turn into an event.
/// </summary>
internal interface IDeadLetterStore
{
    /// <summary>
    /// Keeps a dead letter; older ones are pruned to the dead letters' budgets (anonymous ones first). Throws
    /// <see cref="StoreBudgetException"/> when the outbox as a whole has no room for it.
    /// </summary>
    long Add(DeadLetter deadLetter);

    DeadLetter? Get(long id);

    /// <summary>The oldest dead letters, without their bodies (a listing never reads one).</summary>
    IReadOnlyList<DeadLetter> List(int limit);

    long Count();

    bool Delete(long id);

    /// <summary>Removes every dead letter <paramref name="filter"/> matches; returns how many.</summary>
    long Delete(DeadLetterFilter filter);

    /// <summary>A replay that failed again: the new reason, the time, one more attempt.</summary>
    void UpdateReason(long id, string reason, DateTimeOffset now);

    /// <summary>Moves a delivery dead letter back into the outbox, behind its alert's pending events; returns its outbox id.</summary>
    long Requeue(DeadLetter deadLetter, DateTimeOffset now);
}
