using System.Security.Cryptography;
using System.Text;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// What one version of a transform is: the script, the text of its fixture file (null when it has none), and the
/// settings published with it as JSON (null: proxy.json's <c>Gateway:Transforms:&lt;name&gt;:Settings</c>, as for a file).
/// The <see cref="Fingerprint"/> covers all three, so that a fixture or settings edit is a change too.
/// </summary>
internal sealed record TransformContent(string Script, string? Fixtures, string? Settings = null)
{
    /// <summary>SHA-256 of the script, in hex: what <c>sha256sum &lt;name&gt;.js</c> prints, lower case.</summary>
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Script)));

    /// <summary>SHA-256 of the script, the fixtures and the published settings together: equal content, equal fingerprint.</summary>
    public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        Script + "\0" + (Fixtures ?? string.Empty) + (Settings is null ? string.Empty : "\0" + Settings))));
}
