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

    /// <summary>
    /// The one way to make a context: the route values named like secrets (…Key, …Token, …Secret) and the named secrets'
    /// values are what the run masks in its log lines and error messages.
    /// </summary>
    public static TransformContext For(
        string route,
        DateTimeOffset receivedAt,
        ReadOnlyMemory<byte> settingsJson,
        IReadOnlyDictionary<string, string> routeValues,
        IReadOnlyDictionary<string, string>? namedSecrets = null,
        IReadOnlySet<string>? protectedHeaders = null) =>
        new(route, receivedAt, settingsJson, [.. TransformContract.SecretParams(routeValues), .. (namedSecrets ?? EmptySecrets).Values])
        {
            NamedSecrets = namedSecrets ?? EmptySecrets,
            ProtectedHeaders = protectedHeaders ?? EmptyHeaders,
        };

    private static readonly IReadOnlyDictionary<string, string> EmptySecrets = new Dictionary<string, string>();
    private static readonly IReadOnlySet<string> EmptyHeaders = new HashSet<string>();
}
