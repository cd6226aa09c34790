using HaloIlertGateway.Http;

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
        // Runs on every request: plain loops, no LINQ, no list (count, then fill).
        var count = 0;
        foreach (var (name, _) in routeValues)
        {
            count += Logging.SecretRedactor.IsSecretName(name) ? 1 : 0;
        }

        if (count == 0)
        {
            return [];
        }

        var secrets = new string[count];
        var index = 0;
        foreach (var (name, value) in routeValues)
        {
            if (Logging.SecretRedactor.IsSecretName(name))
            {
                secrets[index++] = value;
            }
        }

        return secrets;
    }

    /// <summary>
    /// A new path must be an absolute path on the same upstream, in URL form, checked as the upstream will read it:
    /// visible ASCII only (non-ASCII percent-encoded, e.g. with <c>encodeURIComponent</c>); every <c>%</c> starts a
    /// valid escape; no scheme or host, query, fragment or backslash; and, with every escape decoded, no <c>.</c> or
    /// <c>..</c> segment and no encoded <c>/</c>, <c>\</c> or control character. A path that passes is sent as it is.
    /// </summary>
    public static string ValidatePath(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.StartsWith("//", StringComparison.Ordinal))
        {
            throw new TransformContractException("request.path must start with a single '/'");
        }

        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c is '?' or '#' or '\\' || c <= ' ' || c >= '\u007f')
            {
                throw new TransformContractException("request.path must be visible ASCII without '?', '#' or '\\' (percent-encode the rest; set request.query for a query)");
            }

            if (c == '%')
            {
                var decoded = i + 2 < path.Length && Uri.IsHexDigit(path[i + 1]) && Uri.IsHexDigit(path[i + 2])
                    ? (char)Convert.ToInt32(path.Substring(i + 1, 2), 16)
                    : throw new TransformContractException("request.path has a '%' that does not start a %XX escape");
                if (decoded is '/' or '\\' || decoded < ' ' || decoded == '\u007f')
                {
                    throw new TransformContractException("request.path must not encode '/', '\\' or a control character");
                }
            }
        }

        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = Uri.UnescapeDataString(path[range]);
            if (segment is "." or "..")
            {
                throw new TransformContractException("request.path must not contain '.' or '..' segments, encoded or not");
            }
        }

        return path;
    }

    /// <summary>Every header the script added or changed must be valid (<see cref="ValidateHeader"/>); the client's own pass as they came.</summary>
    public static void CheckSetHeaders(IReadOnlyDictionary<string, string> original, IReadOnlyDictionary<string, string> returned)
    {
        foreach (var (name, value) in returned)
        {
            if (!original.TryGetValue(name, out var before) || before != value)
            {
                ValidateHeader(name, value);
            }
        }
    }

    /// <summary>Query names and values are percent-encoded as UTF-8 when sent: a lone surrogate has no encoding.</summary>
    public static void CheckQuery(IReadOnlyDictionary<string, string> query)
    {
        foreach (var (name, value) in query)
        {
            if (!IsWellFormed(name) || !IsWellFormed(value))
            {
                throw new TransformContractException($"the query parameter '{Printable(name)}' has a lone surrogate (half of a UTF-16 pair), which is not text");
            }
        }
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A header a script returns is sent as it is on both paths (forwarded by YARP or sent later from the outbox), so
    /// both are held to HTTP's rules here: the name a token, the value visible ASCII, spaces and tabs. A CR or LF
    /// would split the request; a non-ASCII value has no agreed encoding. A script that needs one encodes it itself
    /// (e.g. <c>encodeURIComponent</c>).
    /// </summary>
    public static void ValidateHeader(string name, string value)
    {
        if (!HeaderSyntax.IsValidName(name))
        {
            throw new TransformContractException($"a header name must be an HTTP token; \"{Printable(name)}\" is not");
        }

        foreach (var c in value)
        {
            if (!HeaderSyntax.IsValidValueChar(c))
            {
                throw new TransformContractException(c >= '\u0080'
                    ? $"the header '{name}' has a non-ASCII character; encode it (for example with encodeURIComponent)"
                    : $"the header '{name}' has a control character (CR, LF, NUL or another) in its value");
            }
        }
    }

    private static string Printable(string text)
    {
        var clean = new string([.. text.Take(64).Select(c => c is < ' ' or >= '\u007f' ? '?' : c)]);
        return text.Length > 64 ? clean + "…" : clean;
    }

    /// <summary>
    /// The content type the forwarded request needs, or null to keep the one it has: a body the script set as an
    /// object is JSON, unless the script chose a content type itself or the original already was JSON.
    /// </summary>
    public static string? ContentTypeFor(IncomingRequest original, OutgoingRequest changed)
    {
        var originalType = original.Headers.GetValueOrDefault("content-type");
        var scriptSetType = changed.Headers.TryGetValue("content-type", out var newType) && originalType != newType;
        return changed.BodyIsJson && !scriptSetType && !TransformBody.IsJson(originalType) ? JsonContentType : null;
    }

    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// The query to send (or keep) for <paramref name="original"/>, returned by the script as <paramref name="changed"/>
    /// (or not run yet): the client's as written when the script left it, else written from the values.
    /// </summary>
    public static string QueryFor(IncomingRequest original, OutgoingRequest? changed = null) =>
        (changed is null || LeftQuery(original, changed)) && original.RawQuery is { } raw
            ? raw
            : QueryString.Create((changed?.Query ?? original.Query).Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value))).ToUriComponent();

    /// <summary>
    /// Whether the script left the query as it came: the same names with the same values, whether it returned the object
    /// it was given or a copy. The direct and the durable route both decide by this.
    /// </summary>
    public static bool LeftQuery(IncomingRequest original, OutgoingRequest changed)
    {
        if (ReferenceEquals(original.Query, changed.Query))
        {
            return true;
        }

        if (original.Query.Count != changed.Query.Count)
        {
            return false;
        }

        foreach (var (key, value) in original.Query)
        {
            if (!changed.Query.TryGetValue(key, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }

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
