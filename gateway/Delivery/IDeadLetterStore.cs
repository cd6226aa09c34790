namespace HaloIlertGateway.Delivery;

/// <summary>
/// What could not be delivered, kept until ops replay or delete it: events that expired or ilert refused (moved here
/// by <see cref="IOutbox.MoveToDeadLettersAsync"/>), and requests a transform could not turn into an event.
/// Asynchronous, as <see cref="IOutbox"/> is.
/// </summary>
internal interface IDeadLetterStore
{
    /// <summary>
    /// Keeps a dead letter; older ones are pruned to the dead letters' budgets (anonymous ones first). Throws
    /// <see cref="StoreBudgetException"/> when the outbox as a whole has no room for it.
    /// </summary>
    Task<long> AddAsync(DeadLetter deadLetter, CancellationToken cancellationToken);

    Task<DeadLetter?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>The oldest dead letters, without their bodies (a listing never reads one).</summary>
    Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);

    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken);

    /// <summary>Removes every dead letter <paramref name="filter"/> matches; returns how many.</summary>
    Task<long> DeleteAsync(DeadLetterFilter filter, CancellationToken cancellationToken);

    /// <summary>A replay that failed again: the new reason, the time, one more attempt.</summary>
    Task UpdateReasonAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Moves a delivery dead letter back into the outbox, behind its alert's pending events; returns its outbox id.</summary>
    Task<long> RequeueAsync(DeadLetter deadLetter, DateTimeOffset now, CancellationToken cancellationToken);
}
