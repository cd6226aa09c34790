using System.Text.RegularExpressions;

namespace HaloIlertGateway.Logging;

/// <summary>
/// Removes secrets from text bound for logs, error bodies and management responses: the integration key where a
/// route's path template puts a secret route value (<c>{integrationKey}</c>, any <c>…Key</c>, <c>…Token</c>,
/// <c>…Secret</c>: <see cref="LearnRouteTemplates"/>), the key segment of ilert's own alert-source and heartbeat URL
/// shapes, and any literal secret values the caller knows of. Paths are matched however they are spelled: any case,
/// doubled or percent-encoded slashes (<c>%2F</c>), <c>;parameters</c>, any API version.
/// </summary>
internal static partial class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>Literal secrets shorter than this are not searched for: they would mask ordinary words.</summary>
    private const int MinimumSecretLength = 4;

    /// <summary>
    /// A path separator as a lenient server reads it: slashes (doubled), backslashes, %2F, %5C (and those encoded again,
    /// as a proxied URL shows them), after any ;parameters.
    /// </summary>
    private const string Separator = @"(?:;[^/?#\s""']*)?(?:/|\\|%2F|%5C|%252F|%255C)+";

    /// <summary>One segment's value, up to the next separator of any spelling.</summary>
    private const string Segment = @"(?:(?!%2F|%5C|%252F|%255C)[^/\\?#\s""';])+";

    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Templates = new(StringComparer.OrdinalIgnoreCase);
    private static RouteKeys? _routes;

    public static string Redact(string text)
    {
        if (text.Contains("events", StringComparison.OrdinalIgnoreCase) || text.Contains("heartbeats", StringComparison.OrdinalIgnoreCase))
        {
            text = KeyInPath().Replace(text, Mask);
        }

        // A query parameter named like a secret (?integrationKey=…, &apiToken=…), as a client may send the key.
        if (text.Contains('=', StringComparison.Ordinal))
        {
            text = SecretInQuery().Replace(text, "${name}=" + Mask);
        }

        if (Volatile.Read(ref _routes) is { } routes && text.AsSpan().ContainsAny(routes.Anchors))
        {
            // One pass per pattern: a template with two secrets has two, and the second's prefix runs over the first
            // value, which one alternation would already have consumed.
            foreach (var keys in routes.Keys)
            {
                var masking = text;
                text = WithinTimeout(() => keys.Replace(masking, KeepPrefix));
            }
        }

        return text;
    }

    /// <summary>
    /// Learns the path templates of the routes (YARP <c>Match.Path</c>): the value of every secret-named parameter is
    /// masked wherever such a path appears. Templates are only ever added (a reload never un-masks anything).
    /// </summary>
    public static void LearnRouteTemplates(IEnumerable<string?> templates)
    {
        lock (Gate)
        {
            var added = false;
            foreach (var template in templates)
            {
                added |= template is not null && Templates.Add(template);
            }

            if (!added)
            {
                return;
            }

            var patterns = new List<string>();
            var anchors = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var template in Templates)
            {
                AddPatterns(template, patterns, anchors);
            }

            // Compiled: the patterns run on every request whose path has an anchor (two or three times: the request log,
            // the recent-requests ring). Interpreted lookbehinds made that 34 µs a call with the shipped routes.
            Volatile.Write(ref _routes, patterns.Count == 0
                ? null
                : new RouteKeys([.. patterns.Select(pattern => new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1)))],
                    System.Buffers.SearchValues.Create([.. anchors], StringComparison.OrdinalIgnoreCase)));
        }
    }

    /// <summary>One pattern per secret parameter of <paramref name="template"/>: <c>(?&lt;keep&gt;prefix)value</c>; the literal before it is its anchor.</summary>
    private static void AddPatterns(string template, List<string> patterns, HashSet<string> anchors)
    {
        if (KeyInPathCovers(template))
        {
            // ilert's own URL shape (every shipped alert route): the built-in pattern masks it already; a learnt one
            // would only run a second regex on every such request.
            return;
        }

        var prefix = new System.Text.StringBuilder();
        string? lastLiteral = null;
        foreach (var segment in template.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment.StartsWith("{*", StringComparison.Ordinal))
            {
                return;
            }

            prefix.Append(Separator);
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                var name = segment.Trim('{', '}').Split(':', '=', '?')[0];
                if (IsSecretName(name) && lastLiteral is not null)
                {
                    // Forward, not a lookbehind: the prefix is kept (group "keep") and the value after it masked.
                    patterns.Add($"(?<keep>{prefix}){Segment}");
                    anchors.Add(lastLiteral);
                }

                prefix.Append(Segment);
            }
            else
            {
                prefix.Append(Regex.Escape(segment));
                lastLiteral = segment;
            }
        }
    }

    /// <summary>
    /// True when the built-in pattern masks every secret parameter of <paramref name="template"/>: checked on the
    /// template's own path, each parameter given a distinct sample value (the built-in pattern and the learnt ones
    /// read separators and segments by the same rules, so one path of the shape stands for all of them).
    /// </summary>
    private static bool KeyInPathCovers(string template)
    {
        var samples = new List<string>();
        var path = new System.Text.StringBuilder();
        foreach (var segment in template.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path.Append('/');
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                var name = segment.Trim('{', '}', '*').Split(':', '=', '?')[0];
                var sample = $"sample{samples.Count}value";
                if (IsSecretName(name))
                {
                    samples.Add(sample);
                }
                else
                {
                    sample = $"plain{path.Length}value";
                }

                path.Append(sample);
            }
            else
            {
                path.Append(segment);
            }
        }

        if (samples.Count == 0)
        {
            return false;
        }

        var masked = KeyInPath().Replace(path.ToString(), Mask);
        return samples.TrueForAll(sample => !masked.Contains(sample, StringComparison.Ordinal));
    }

    private static readonly MatchEvaluator KeepPrefix = match => match.Groups["keep"].Value + Mask;

    /// <summary>What a text becomes when its secrets could not be masked in time: nothing of it, never the text unmasked.</summary>
    public const string Withheld = "[withheld: masking its secrets timed out]";

    /// <summary>
    /// <paramref name="mask"/>'s result. A learnt pattern's timeout is a backstop against a pathological text, not a
    /// budget: a pause of the whole process (a garbage collection, a crowded machine) can outlast it, so a match that
    /// timed out is tried once more, and if that times out as well the text is <see cref="Withheld"/>. Never throws:
    /// the text is bound for a log line, an error body or a management response, none of which may fail for it.
    /// </summary>
    internal static string WithinTimeout(Func<string> mask)
    {
        try
        {
            return mask();
        }
        catch (RegexMatchTimeoutException)
        {
            try
            {
                return mask();
            }
            catch (RegexMatchTimeoutException)
            {
                return Withheld;
            }
        }
    }

    /// <summary>The learnt patterns, and the literals one of which a text must contain for them to be tried.</summary>
    private sealed record RouteKeys(Regex[] Keys, System.Buffers.SearchValues<string> Anchors);

    /// <summary>A route value whose name says it is secret: …Key, …Token, …Secret (the same rule as the transform contract's).</summary>
    public static bool IsSecretName(string name) =>
        name.Contains("key", StringComparison.OrdinalIgnoreCase) || name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase);

    public static string Redact(string text, IReadOnlyCollection<string> secrets)
    {
        text = Redact(text);
        foreach (var secret in secrets)
        {
            if (secret.Length >= MinimumSecretLength)
            {
                // Derived spellings too: a message may show the key upper-cased or URL-encoded (any case of either).
                text = text.Replace(secret, Mask, StringComparison.OrdinalIgnoreCase);
                var encoded = Uri.EscapeDataString(secret);
                if (encoded != secret)
                {
                    text = text.Replace(encoded, Mask, StringComparison.OrdinalIgnoreCase);
                }
            }
        }

        return text;
    }

    // The key segment after /api/[vN/]events/<source>/ or /api/[vN/]heartbeats/, separators spelled any way.
    [GeneratedRegex(@"(?<=(?:/|\\|%2F|%5C)api" + Separator + @"(?:v\d+" + Separator + ")?(?:events" + Separator + Segment + "|heartbeats)" + Separator + ")" + Segment,
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyInPath();

    [GeneratedRegex(@"(?<name>[?&;][A-Za-z0-9_.\-]*(?:key|token|secret)[A-Za-z0-9_.\-]*)=[^&\s""'#;]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretInQuery();
}
