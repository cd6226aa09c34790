using System.ComponentModel.DataAnnotations;
using System.Net;

namespace HaloIlertGateway.Admin;

/// <summary>
/// The management port: transform status and test runs, never served on the public port. Section
/// <c>Gateway:Management</c>. Bound to loopback by default; binding it anywhere else requires a sign-in
/// (<see cref="SignInRequired"/>); who may do what is <see cref="RequiredRole"/>.
/// </summary>
public sealed class ManagementOptions : IValidatableObject
{
    public const string SectionName = "Gateway:Management";

    /// <summary>Serve the management port at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address(es) of the management port, ';'-separated. Default <c>http://127.0.0.1:5081</c>.</summary>
    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:5081";

    /// <summary>
    /// The shorthand for one user named <c>admin</c> with the role <see cref="ManagementRole.Admin"/>: a bearer token
    /// (<c>Authorization: Bearer &lt;token&gt;</c>) of at least 16 characters. The token itself, never a reference: set
    /// it from a secret (env <c>Gateway__Management__Token</c>), not in a file. A port bound beyond loopback needs a
    /// sign-in: this, <see cref="Users"/> with a token, or <see cref="TrustedProxies"/>. Default: none.
    /// </summary>
    [MinLength(16)]
    public string? Token { get; set; }

    /// <summary>
    /// A read-only bearer token that opens <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> only (the identity
    /// <c>probe</c>, with no role), for probes and Prometheus, so that they never hold a user's token. At least 16
    /// characters, the token itself. Without it those three answer loopback clients with no token at all (and others
    /// signed in as anyone). Default: none.
    /// </summary>
    [MinLength(16)]
    public string? ReadToken { get; set; }

    /// <summary>
    /// Named identities, <c>Users:&lt;name&gt;</c>, each with a <see cref="ManagementUserOptions.Role"/> and a
    /// <see cref="ManagementUserOptions.Token"/> (the token itself, or <c>env:NAME</c> / <c>file:/path</c>), or a role
    /// only, for a person a trusted proxy signs in. Default: none.
    /// </summary>
    public Dictionary<string, ManagementUserOptions> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) of the reverse proxies (such as oauth2-proxy) whose
    /// <c>X-Forwarded-User</c>, else <c>X-Forwarded-Email</c>, names the person making the request. From any other
    /// address those headers are ignored. Default: none.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// The role of a person a trusted proxy names who has no entry in <see cref="Users"/> (<c>read</c>, <c>operate</c>,
    /// <c>edit</c> or <c>admin</c>). Default: none, and such a person is refused (403).
    /// </summary>
    public string? ProxyUsersRole { get; set; }

    /// <summary>
    /// Whether a request must sign in (a token, or a trusted proxy's word); without any of those the port is bound to
    /// loopback only (checked at start) and open to everyone on this machine.
    /// </summary>
    public bool SignInRequired => Token is not null || Users.Values.Any(user => user.Token is not null) || TrustedProxies.Count > 0;

    /// <summary>
    /// Host names (with or without port) that requests to the management port may name in their <c>Host</c> header,
    /// ';'-separated; <c>*</c> allows any. A page on another site that resolves its own name to this address (DNS
    /// rebinding) names its own host and is refused. Default: <c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c> and the
    /// hosts named in <see cref="Urls"/>. Behind a Kubernetes probe or a proxy, add the name it uses (the pod IP).
    /// </summary>
    public string? AllowedHosts { get; set; }

    /// <summary>The host names the management port answers to.</summary>
    public IReadOnlyList<string> AllowedHostList =>
        AllowedHosts is { } configured
            ? configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. LoopbackHosts.Concat(BoundHosts()).Distinct(StringComparer.OrdinalIgnoreCase)];

    private IEnumerable<string> BoundHosts()
    {
        foreach (var url in AddressList)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host is not ("0.0.0.0" or "[::]" or "+" or "*"))
            {
                yield return uri.Host;
            }
        }
    }

    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public IEnumerable<string> AddressList => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // These two take the token itself (from the environment or a secret mounted as one): "env:NAME" here would be
        // a token anyone who reads the docs can guess. (A user's Token may be a reference: it is read as one, always.)
        // The identities' own checks (names, roles, tokens read and compared) are ManagementIdentityReader's.
        foreach (var (name, value) in new[] { (nameof(Token), Token), (nameof(ReadToken), ReadToken) })
        {
            if (value is not null && Security.SecretReference.TryParse(value, out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{name} looks like a secret reference (env:/file:), but it takes the token itself: set it from the environment (Gateway__Management__{name}), e.g. from a Kubernetes or Docker secret.",
                    [name]);
            }
        }

        foreach (var url in AddressList)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"'{url}' is not an http(s) URL.", [nameof(Urls)]);
            }
            else if (Enabled && !SignInRequired && !IsLoopback(uri))
            {
                yield return new ValidationResult(
                    $"The management port is bound to '{url}', which is not loopback: set {SectionName}:Token (from a secret), {SectionName}:Users with tokens, or {SectionName}:TrustedProxies, or bind it to 127.0.0.1.",
                    [nameof(Token)]);
            }
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
