namespace HaloIlertGateway.Scripting;

/// <summary>
/// What a run knows besides the request: the route, the arrival time, the transform's settings (UTF-8 JSON), its
/// named secrets (<c>context.secrets</c>), the secret values to mask in script logs and error messages, and the
/// headers of this route that the script may not set beyond the always-protected ones.
/// </summary>
internal sealed record TransformContext(
    string Route,
    DateTimeOffset ReceivedAt,
    ReadOnlyMemory<byte> SettingsJson,
    IReadOnlyCollection<string> Secrets)
{
    public IReadOnlyDictionary<string, string> NamedSecrets { get; init; } = EmptySecrets;

    public IReadOnlySet<string> ProtectedHeaders { get; init; } = EmptyHeaders;

    private static readonly IReadOnlyDictionary<string, string> EmptySecrets = new Dictionary<string, string>();
    private static readonly IReadOnlySet<string> EmptyHeaders = new HashSet<string>();
}
