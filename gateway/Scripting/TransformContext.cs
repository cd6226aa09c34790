namespace HaloIlertGateway.Scripting;

/// <summary>
/// What a run knows besides the request: the route, the arrival time, the transform's settings (UTF-8 JSON)
/// and the secret values of this request (redacted from script logs and error messages).
/// </summary>
internal sealed record TransformContext(
    string Route,
    DateTimeOffset ReceivedAt,
    ReadOnlyMemory<byte> SettingsJson,
    IReadOnlyCollection<string> Secrets);
