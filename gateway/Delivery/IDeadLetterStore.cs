namespace HaloIlertGateway.Delivery;

/// <summary>
/// What could not be delivered, kept until ops replay or delete it: events that expired or ilert refused (moved here
/// by <see cref="IOutbox.Bury"/>), and requests a transform could not turn into an event.
/// </summary>
internal interface IDeadLetterStore
{
    long Add(DeadLetter deadLetter);

    DeadLetter? Get(long id);

    IReadOnlyList<DeadLetter> List(int limit);

    long Count();

    bool Delete(long id);

    /// <summary>A replay that failed again: the new reason, the time, one more attempt.</summary>
    void UpdateReason(long id, string reason, DateTimeOffset now);

    /// <summary>Moves a delivery dead letter back into the outbox, behind its alert's pending events; returns its outbox id.</summary>
    long Requeue(DeadLetter deadLetter, DateTimeOffset now);
}
