namespace HaloIlertGateway.Scripting;

/// <summary>The request a script returned, to be forwarded. <see cref="Body"/> is UTF-8 (JSON when <see cref="BodyIsJson"/>).</summary>
internal sealed record OutgoingRequest(
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[]? Body,
    bool BodyIsJson);
