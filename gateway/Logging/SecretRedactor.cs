using System.Text.RegularExpressions;

namespace HaloIlertGateway.Logging;

/// <summary>
/// Removes secrets from text bound for logs, error bodies and management responses: the integration key that
/// ilert's alert-source and heartbeat URLs carry as a path segment (<c>/api/v1/events/halopsa/&lt;key&gt;</c>),
/// and any literal secret values the caller knows of.
/// </summary>
internal static partial class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>Literal secrets shorter than this are not searched for: they would mask ordinary words.</summary>
    private const int MinimumSecretLength = 4;

    public static string Redact(string text)
    {
        if (text.Contains("/events/", StringComparison.OrdinalIgnoreCase) || text.Contains("/heartbeats/", StringComparison.OrdinalIgnoreCase))
        {
            return KeyInPath().Replace(text, Mask);
        }

        return text;
    }

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

    // The key segment after /api/[v1/]events/<source>/ or /api/[v1/]heartbeats/.
    [GeneratedRegex("""(?<=/api/(?:v1/)?(?:events/[^/?#\s"']+|heartbeats)/)[^/?#\s"']+""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyInPath();
}
