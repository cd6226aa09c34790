using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HaloIlertGateway.Security;

/// <summary>
/// Verifies a sender's HMAC signature over the raw body, as each sender documents it:
/// <list type="bullet">
/// <item><c>HubSignature</c>: <c>X-Hub-Signature: sha256=&lt;hex HMAC-SHA256(secret, body)&gt;</c> (Jira admin webhooks, WebSub).</item>
/// <item><c>ZendeskSignature</c>: <c>X-Zendesk-Webhook-Signature: base64(HMAC-SHA256(secret, timestamp + body))</c>, with the
/// timestamp from <c>X-Zendesk-Webhook-Signature-Timestamp</c>, which must be within the check's tolerance of now.</item>
/// <item><c>AutotaskSignature</c>: <c>X-Hook-Signature: sha1=&lt;base64 HMAC-SHA1(secret, body)&gt;</c>.</item>
/// </list>
/// Every secret is tried (no early exit) and compared in constant time. The reasons name headers and rules, never a
/// secret or the expected value.
/// </summary>
internal static class SignatureCheck
{
    public const string ZendeskSignatureHeader = "X-Zendesk-Webhook-Signature";
    public const string ZendeskTimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp";

    /// <summary>Whether one of <paramref name="secrets"/> signed <paramref name="body"/>; if none did, why the request fails.</summary>
    public static SignatureVerdict Verify(InboundAuthOptions check, IHeaderDictionary headers, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        var header = check.CredentialHeader;
        var value = headers[header].ToString().Trim();
        if (value.Length == 0)
        {
            return SignatureVerdict.Invalid($"the request has no {header} header");
        }

        byte[] timestamp = [];
        if (check.Kind == InboundAuthKind.ZendeskSignature)
        {
            var sent = headers[ZendeskTimestampHeader].ToString().Trim();
            if (sent.Length == 0)
            {
                return SignatureVerdict.Invalid($"the request has no {ZendeskTimestampHeader} header");
            }

            if (!DateTimeOffset.TryParse(sent, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
            {
                return SignatureVerdict.Invalid($"{ZendeskTimestampHeader} is not a date and time");
            }

            if ((now - signedAt).Duration() > check.TimestampTolerance)
            {
                return SignatureVerdict.Invalid($"{ZendeskTimestampHeader} is more than {check.TimestampTolerance} from now (a replay, or a clock that is off)");
            }

            timestamp = Encoding.UTF8.GetBytes(sent);
        }

        if (Decode(check.Kind, value) is not { } presented)
        {
            return SignatureVerdict.Invalid($"{header} is not in the form {Form(check.Kind)}");
        }

        var matched = false;
        foreach (var secret in secrets)
        {
            matched |= CryptographicOperations.FixedTimeEquals(Sign(check.Kind, Encoding.UTF8.GetBytes(secret), timestamp, body), presented);
        }

        return matched ? SignatureVerdict.Valid : SignatureVerdict.Invalid($"{header} does not match the body for any configured secret");
    }

    /// <summary>
    /// The signature the request presents, decoded (null when it presents none, or none in the kind's form): one value
    /// however its header is spelled (a prefix in any case, hex in any case, base64 with spaces), so that a replay
    /// cannot pass as new by being spelled anew.
    /// </summary>
    public static byte[]? Presented(InboundAuthOptions check, IHeaderDictionary headers) =>
        headers[check.CredentialHeader].ToString().Trim() is { Length: > 0 } value ? Decode(check.Kind, value) : null;

    private static byte[] Sign(InboundAuthKind kind, byte[] key, byte[] prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(kind == InboundAuthKind.AutotaskSignature ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static byte[]? Decode(InboundAuthKind kind, string value)
    {
        try
        {
            return kind switch
            {
                InboundAuthKind.HubSignature when value.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) => Convert.FromHexString(value["sha256=".Length..]),
                InboundAuthKind.AutotaskSignature => Convert.FromBase64String(value.StartsWith("sha1=", StringComparison.OrdinalIgnoreCase) ? value["sha1=".Length..] : value),
                InboundAuthKind.ZendeskSignature => Convert.FromBase64String(value),
                _ => null,
            };
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Form(InboundAuthKind kind) => kind switch
    {
        InboundAuthKind.HubSignature => "sha256=<hex>",
        InboundAuthKind.AutotaskSignature => "sha1=<base64>",
        _ => "<base64>",
    };
}
