namespace HaloIlertGateway.Scripting;

/// <summary>
/// The request a script returned, to be forwarded. <see cref="Body"/> is UTF-8 (JSON when <see cref="BodyIsJson"/>).
/// <see cref="IntegrationKey"/> and <see cref="AlertKey"/> are the body's top-level string members of those names
/// (ilert's events API), read from the returned object as it was written, so the body is not parsed again for them.
/// </summary>
internal sealed record OutgoingRequest(
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[]? Body,
    bool BodyIsJson,
    string? IntegrationKey = null,
    string? AlertKey = null);
