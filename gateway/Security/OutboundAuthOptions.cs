using System.ComponentModel.DataAnnotations;
using HaloIlertGateway.Hosting;

namespace HaloIlertGateway.Security;

/// <summary>
/// One credential the gateway obtains for an upstream it calls, <c>Gateway:OutboundAuth:&lt;name&gt;</c>; a route
/// injects it with <c>{ "InjectCredential": "Authorization", "OutboundAuth": "&lt;name&gt;" }</c>. For
/// <c>ClientCredentials</c> (HaloPSA's API): a token from <see cref="TokenUrl"/>, cached until shortly before it expires.
/// Read at start (a change takes a restart); the client secret is read again at every fetch, so a rotated one applies.
/// </summary>
public sealed class OutboundAuthOptions : IValidatableObject
{
    public const string SectionName = "Gateway:OutboundAuth";

    /// <summary>A token whose answer gives no <c>expires_in</c> is used for this long. Five minutes.</summary>
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The only kind so far: <c>ClientCredentials</c> (the default).</summary>
    public OutboundAuthKind Kind { get; set; } = OutboundAuthKind.ClientCredentials;

    /// <summary>
    /// The token endpoint, an absolute http(s) URL; it may carry a query (hosted HaloPSA:
    /// <c>https://&lt;tenant&gt;.halopsa.com/auth/token?tenant=&lt;tenant&gt;</c>). Required.
    /// </summary>
    public string? TokenUrl { get; set; }

    /// <summary>The OAuth2 client id, sent in the form body. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// The client secret as a secret reference, <c>env:NAME</c> or <c>file:/path</c>, never the value itself; sent in
    /// the form body. Required.
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>The <c>scope</c> form field (HaloPSA: <c>all</c>); none sent when unset.</summary>
    public string? Scope { get; set; }

    /// <summary>Further form fields sent with every token request (for example <c>tenant</c>). Default none.</summary>
    public Dictionary<string, string> ExtraForm { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long before a token expires it is replaced (a token whose whole lifetime is not longer than this is
    /// replaced at half its lifetime). Default 60 seconds.
    /// </summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one token request may take. Default 10 seconds.</summary>
    [TimeSpanRange("00:00:00.100", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The form fields the token client sets itself: <see cref="ExtraForm"/> may not set them again.</summary>
    internal static readonly IReadOnlySet<string> ReservedFormFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "grant_type", "client_id", "client_secret", "scope",
    };

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(TokenUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Fragment))
        {
            yield return new ValidationResult("TokenUrl must be an absolute http(s) URL without user info or fragment.", [nameof(TokenUrl)]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult("ClientId is required.", [nameof(ClientId)]);
        }

        if (!SecretReference.TryParse(ClientSecret, out _))
        {
            // The value may be the secret itself, pasted where its reference belongs: it is never repeated.
            yield return new ValidationResult(
                "ClientSecret is not a secret reference (it is not shown): write env:NAME or file:/path (secrets never sit in configuration).", [nameof(ClientSecret)]);
        }

        if (Scope is not null && string.IsNullOrWhiteSpace(Scope))
        {
            yield return new ValidationResult("Scope is empty (leave it out to send none).", [nameof(Scope)]);
        }

        foreach (var field in ExtraForm.Keys.Where(field => string.IsNullOrWhiteSpace(field) || ReservedFormFields.Contains(field)))
        {
            yield return new ValidationResult($"ExtraForm may not set '{field}' (grant_type, client_id, client_secret and scope have their own settings).", [nameof(ExtraForm)]);
        }
    }
}
