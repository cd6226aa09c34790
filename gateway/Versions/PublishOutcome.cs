using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Versions;

/// <summary>What publishing a version came to; only <see cref="Published"/> changed anything.</summary>
internal abstract record PublishOutcome
{
    /// <summary>Recorded as <see cref="Version"/> and serving on this replica (on the others within the poll interval).</summary>
    public sealed record Published(TransformVersion Version) : PublishOutcome;

    /// <summary>The version the caller changed is no longer the latest: <see cref="Latest"/> is.</summary>
    public sealed record Stale(int Expected, TransformVersion? Latest) : PublishOutcome;

    /// <summary>It does not compile, does not take its settings, or fails a fixture: the load's report.</summary>
    public sealed record Invalid(TransformLoadResult Report) : PublishOutcome;

    /// <summary>Publishing is not how this gateway changes transforms (a cluster that serves its files).</summary>
    public sealed record Refused(string Title, string Detail) : PublishOutcome;

    /// <summary>Over one of the sizes a version may have (<see cref="TransformSourceOptions"/>): 413.</summary>
    public sealed record TooLarge(string Detail) : PublishOutcome;

    /// <summary>Something the request says is not acceptable as given (a message too long): 400.</summary>
    public sealed record Malformed(string Detail) : PublishOutcome;

    /// <summary>No transform of that name, or no such version to roll back to.</summary>
    public sealed record Unknown(string Detail) : PublishOutcome;
}
