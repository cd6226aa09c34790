namespace HaloIlertGateway.Scripting;

/// <summary>
/// The rules of the script contract that the gateway enforces on what a transform returns
/// (documented in <c>transforms/gateway.d.ts</c>).
/// </summary>
internal static class TransformContract
{
    public const string FunctionName = "transform";
    public const string DefaultDropReason = "dropped by transform";

    /// <summary>Headers a script cannot set or change: the gateway and the HTTP stack own them.</summary>
    public static readonly IReadOnlySet<string> ProtectedHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
        "expect", "proxy-connection", "proxy-authorization",
    };

    /// <summary>Route values whose name says they are secret (…Key, …Token, …Secret): masked in script logs and errors.</summary>
    public static string[] SecretParams(IReadOnlyDictionary<string, string> routeValues)
    {
        // Runs on every request: plain loops, no LINQ.
        var secrets = new List<string>(routeValues.Count);
        foreach (var (name, value) in routeValues)
        {
            foreach (var hint in SecretParamHints)
            {
                if (name.Contains(hint, StringComparison.OrdinalIgnoreCase))
                {
                    secrets.Add(value);
                    break;
                }
            }
        }

        return [.. secrets];
    }

    private static readonly string[] SecretParamHints = ["key", "token", "secret"];

    /// <summary>A new path must be an absolute path on the same upstream: no scheme, host, query, dot segments or control characters.</summary>
    public static string ValidatePath(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.StartsWith("//", StringComparison.Ordinal))
        {
            throw new TransformContractException("request.path must start with a single '/'");
        }

        foreach (var c in path)
        {
            if (c is '?' or '#' or '\\' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new TransformContractException("request.path must not contain '?', '#', '\\', spaces or control characters (set request.query instead)");
            }
        }

        foreach (var range in path.AsSpan().Split('/'))
        {
            if (path.AsSpan(range) is "." or "..")
            {
                throw new TransformContractException("request.path must not contain '.' or '..' segments");
            }
        }

        return path;
    }

    /// <summary>
    /// The content type the forwarded request needs, or null to keep the one it has: a body the script set as an
    /// object is JSON, unless the script chose a content type itself or the original already was JSON.
    /// </summary>
    public static string? ContentTypeFor(TransformRequest original, TransformedRequest changed)
    {
        var originalType = original.Headers.GetValueOrDefault("content-type");
        var scriptSetType = changed.Headers.TryGetValue("content-type", out var newType) && originalType != newType;
        return changed.BodyIsJson && !scriptSetType && !TransformRequestReader.IsJson(originalType) ? JsonContentType : null;
    }

    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>Throws when a script added a protected header or gave one a new value. Leaving one out is allowed: it is kept.</summary>
    public static void CheckProtectedHeaders(IReadOnlyDictionary<string, string> original, IReadOnlyDictionary<string, string> returned, IReadOnlySet<string> routeProtected)
    {
        foreach (var (name, value) in returned)
        {
            if ((ProtectedHeaders.Contains(name) || routeProtected.Contains(name)) && (!original.TryGetValue(name, out var before) || before != value))
            {
                throw new TransformContractException($"the header '{name}' is protected and cannot be set by a transform");
            }
        }
    }
}
