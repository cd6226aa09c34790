namespace HaloIlertGateway.Versions;

/// <summary>What recording a version came to.</summary>
internal abstract record VersionRecord
{
    /// <summary>Recorded as <see cref="Version"/>.</summary>
    public sealed record Recorded(TransformVersion Version) : VersionRecord;

    /// <summary>Not recorded: this content is already version <see cref="Version"/> (a file seen by several replicas).</summary>
    public sealed record Known(TransformVersion Version) : VersionRecord;

    /// <summary>Not recorded: the latest version is not the one the caller changed; <see cref="Latest"/> is (null: none yet).</summary>
    public sealed record Stale(TransformVersion? Latest) : VersionRecord;
}
