namespace HaloIlertGateway.Security;

/// <summary>
/// The marks of signed requests already accepted (digests of a signature, and of a sender's delivery id), kept for a
/// while in the store every replica shares, so that a captured signed request is accepted once, cluster-wide.
/// </summary>
internal interface IReplayGuard
{
    /// <summary>
    /// Records <paramref name="marks"/> until <paramref name="expiresAt"/>, all or none: false (nothing recorded) when
    /// any of them is recorded already and has not expired. Throws when the store cannot be written.
    /// </summary>
    bool TryRecord(IReadOnlyList<string> marks, DateTimeOffset expiresAt, DateTimeOffset now);

    /// <summary>Forgets marks recorded for a request that was not accepted after all, so that the sender's retry passes.</summary>
    void Forget(IReadOnlyList<string> marks);

    /// <summary>Removes the marks that have expired; returns how many.</summary>
    int Prune(DateTimeOffset now);
}
