namespace HaloIlertGateway.Scripting;

/// <summary>
/// The request handed to a script: <c>{ method, path, query, headers, params, body }</c>.
/// Header names are lower case; several values of one header or query key are joined with ", " and ",".
/// </summary>
internal sealed record IncomingRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Params,
    TransformBody Body)
{
    /// <summary>
    /// The query as the client wrote it (<c>"?a=1&amp;a=2"</c>, or empty), where known: a query the script leaves is
    /// forwarded, stored and kept as a dead letter in this form, not rebuilt from <see cref="Query"/>'s joined values.
    /// </summary>
    public string? RawQuery { get; init; }
}
