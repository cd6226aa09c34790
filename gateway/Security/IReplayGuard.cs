namespace HaloIlertGateway.Security;

/// <summary>
/// The marks of signed requests (digests of a signature, and of a sender's delivery id), kept in the store every
/// replica shares, so that a captured signed request is accepted once, cluster-wide. A request holds its marks while
/// it is handled (<see cref="TryHold"/>); they are confirmed when it ends in a 2xx (<see cref="Confirm"/>) and
/// forgotten otherwise (<see cref="Forget"/>), so that a sender's retry of a request that failed passes.
/// </summary>
internal interface IReplayGuard
{
    /// <summary>
    /// Holds <paramref name="marks"/> until <paramref name="holdUntil"/>, all or none: <see cref="ReplayCheck.Replayed"/>
    /// when any of them is confirmed and has not expired, <see cref="ReplayCheck.InProgress"/> when another request holds
    /// one now. Throws when the store cannot be written.
    /// </summary>
    ReplayCheck TryHold(IReadOnlyList<string> marks, DateTimeOffset holdUntil, DateTimeOffset now);

    /// <summary>The request that held <paramref name="marks"/> was accepted: they are kept until <paramref name="expiresAt"/>.</summary>
    void Confirm(IReadOnlyList<string> marks, DateTimeOffset expiresAt);

    /// <summary>The request that held <paramref name="marks"/> was not accepted: the sender's retry passes.</summary>
    void Forget(IReadOnlyList<string> marks);

    /// <summary>Removes the marks that have expired; returns how many.</summary>
    int Prune(DateTimeOffset now);
}

/// <summary>What <see cref="IReplayGuard.TryHold"/> found.</summary>
internal enum ReplayCheck
{
    Held,
    Replayed,
    InProgress,
}
