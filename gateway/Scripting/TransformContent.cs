using System.Security.Cryptography;
using System.Text;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// What one version of a transform is: the script and the text of its fixture file (null when it has none). The
/// <see cref="Fingerprint"/> covers both, so that a fixture edit is a change too.
/// </summary>
internal sealed record TransformContent(string Script, string? Fixtures)
{
    /// <summary>SHA-256 of the script, in hex: what <c>sha256sum &lt;name&gt;.js</c> prints, lower case.</summary>
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Script)));

    /// <summary>SHA-256 of the script and the fixtures together: equal content, equal fingerprint.</summary>
    public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Script + "\0" + (Fixtures ?? string.Empty))));
}
