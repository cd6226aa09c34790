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
    TransformBody Body);
