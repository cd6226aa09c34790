namespace HaloIlertGateway.Versions;

/// <summary>
/// One immutable version of a transform: its number (per transform, from 1), the SHA-256 of its script and of its whole
/// content (script, fixtures, published settings), the script, the fixture file's text, the settings it runs with
/// (<see cref="SettingsPublished"/>: published with it, and served in place of proxy.json's; else proxy.json's when it
/// was recorded), who made it, when, why and how (<see cref="VersionOrigin"/>), and each fixture case's verdict. A
/// listing leaves the script and fixtures out (null).
/// </summary>
internal sealed record TransformVersion(
    string Name,
    int Number,
    string Sha256,
    string ContentSha256,
    string? Script,
    string? Fixtures,
    string? Settings,
    bool SettingsPublished,
    string Author,
    DateTimeOffset CreatedAt,
    string Message,
    string Origin,
    IReadOnlyList<FixtureVerdict> FixtureResult)
{
    /// <summary>What serves when this version does (null in a listing, which has no script).</summary>
    public Scripting.TransformContent? ToContent() => Script is null ? null : new(Script, Fixtures, SettingsPublished ? Settings : null);
}
