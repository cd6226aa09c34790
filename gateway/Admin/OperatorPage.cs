using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace HaloIlertGateway.Admin;

/// <summary>The operator page: one dependency-free HTML file embedded in the app (<c>Admin/OperatorPage.html</c>).</summary>
internal static partial class OperatorPage
{
    private const string ResourceName = "HaloIlertGateway.Admin.OperatorPage.html";

    public static Stream Open() =>
        typeof(OperatorPage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("the operator page is not embedded");

    /// <summary>
    /// The page's Content-Security-Policy: nothing but its own inline script and style (allowed by their SHA-256, so an
    /// injected script or style would not run), calls to this origin only, never framed, no forms to anywhere.
    /// </summary>
    public static string ContentSecurityPolicy { get; } = BuildPolicy();

    private static string BuildPolicy()
    {
        using var reader = new StreamReader(Open());
        var html = reader.ReadToEnd();
        var scripts = string.Join(' ', ScriptBlock().Matches(html).Select(m => Hash(m.Groups[1].Value)));
        var styles = string.Join(' ', StyleBlock().Matches(html).Select(m => Hash(m.Groups[1].Value)));
        return $"default-src 'none'; script-src {scripts}; style-src {styles}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

        static string Hash(string content) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(content)))}'";
    }

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlock();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();
}
