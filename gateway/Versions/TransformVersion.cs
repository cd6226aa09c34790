namespace HaloIlertGateway.Versions;

/// <summary>
/// One immutable version of a transform: its number (per transform, from 1), the SHA-256 of its script and of its whole
/// content (script and fixtures), the script, the fixture file's text and the settings it ran with when it was recorded,
/// who made it, when, why and how (<see cref="VersionOrigin"/>), and each fixture case's verdict. A listing leaves the
/// script and fixtures out (null).
/// </summary>
internal sealed record TransformVersion(
    string Name,
    int Number,
    string Sha256,
    string ContentSha256,
    string? Script,
    string? Fixtures,
    string? Settings,
    string Author,
    DateTimeOffset CreatedAt,
    string Message,
    string Origin,
    IReadOnlyList<FixtureVerdict> FixtureResult);
