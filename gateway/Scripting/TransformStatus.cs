namespace HaloIlertGateway.Scripting;

/// <summary>
/// What the catalog says of one transform: the version serving (if any), the error that kept the latest file
/// out (if any), and the fixture results of the serving version.
/// </summary>
internal sealed record TransformStatus(
    string Name,
    string Path,
    bool Serving,
    int Version,
    string? Sha256,
    DateTimeOffset? LoadedAt,
    TransformLoadError? LastError,
    int FixturesPassed,
    int FixturesFailed);
