using System.ComponentModel.DataAnnotations;
using System.Net;

namespace HaloIlertGateway.Admin;

/// <summary>
/// The management port: transform status and test runs, never served on the public port. Section
/// <c>Gateway:Management</c>. Bound to loopback by default; binding it anywhere else requires <see cref="Token"/>.
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
    /// Bearer token every management request must carry (<c>Authorization: Bearer &lt;token&gt;</c>); at least 16
    /// characters. Required when <see cref="Urls"/> is not loopback only. Set it from a secret
    /// (env <c>Gateway__Management__Token</c>), not in a file. Default: none.
    /// </summary>
    [MinLength(16)]
    public string? Token { get; set; }

    /// <summary>
    /// A second, read-only bearer token that opens <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> only, for probes
    /// and Prometheus, so that they never hold <see cref="Token"/>. At least 16 characters. Without it those three
    /// answer loopback clients with no token at all (and others with <see cref="Token"/>). Default: none.
    /// </summary>
    [MinLength(16)]
    public string? ReadToken { get; set; }

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
        // a token anyone who reads the docs can guess.
        foreach (var (name, value) in new[] { (nameof(Token), Token), (nameof(ReadToken), ReadToken) })
        {
            if (value is not null && Security.SecretReference.TryParse(value, out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{name} looks like a secret reference (env:/file:), but it takes the token itself: set it from the environment (Gateway__Management__{name}), e.g. from a Kubernetes or Docker secret.",
                    [name]);
            }
        }

        if (ReadToken is not null && ReadToken == Token)
        {
            yield return new ValidationResult($"{SectionName}:ReadToken must differ from {SectionName}:Token: it is the one probes and Prometheus hold.", [nameof(ReadToken)]);
        }

        foreach (var url in AddressList)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"'{url}' is not an http(s) URL.", [nameof(Urls)]);
            }
            else if (Enabled && Token is null && !IsLoopback(uri))
            {
                yield return new ValidationResult(
                    $"The management port is bound to '{url}', which is not loopback: set {SectionName}:Token (from a secret) or bind it to 127.0.0.1.",
                    [nameof(Token)]);
            }
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
