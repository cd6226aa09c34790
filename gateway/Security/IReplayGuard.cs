namespace HaloIlertGateway.Security;

/// <summary>
/// The marks of signed requests (digests of a signature, and of a sender's delivery id), kept in the store every
/// replica shares, so that a captured signed request is accepted once, cluster-wide. A request holds its marks while
/// it is handled (<see cref="TryHoldAsync"/>); they are confirmed when it ends in a 2xx (<see cref="ConfirmAsync"/>) and
/// forgotten otherwise (<see cref="ForgetAsync"/>), so that a sender's retry of a request that failed passes.
/// </summary>
internal interface IReplayGuard
{
    /// <summary>
    /// Holds <paramref name="marks"/> until <paramref name="holdUntil"/>, all or none: <see cref="ReplayCheck.Replayed"/>
    /// when any of them is confirmed and has not expired, <see cref="ReplayCheck.InProgress"/> when another request holds
    /// one now. Throws when the store cannot be written.
    /// </summary>
    Task<ReplayCheck> TryHoldAsync(IReadOnlyList<string> marks, DateTimeOffset holdUntil, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The request that held <paramref name="marks"/> was accepted: they are kept until <paramref name="expiresAt"/>.</summary>
    Task ConfirmAsync(IReadOnlyList<string> marks, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>The request that held <paramref name="marks"/> was not accepted: the sender's retry passes.</summary>
    Task ForgetAsync(IReadOnlyList<string> marks, CancellationToken cancellationToken);

    /// <summary>Removes the marks that have expired; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IReplayGuard.TryHoldAsync"/> found.</summary>
internal enum ReplayCheck
{
    Held,
    Replayed,
    InProgress,
}
