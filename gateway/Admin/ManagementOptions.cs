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

    public IEnumerable<string> AddressList => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
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
