using System.Text;
using HaloIlertGateway.Scripting.Settings;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>
/// Each default is written once, in its script's declaration: the settings table of each tool's connecting page is
/// that declaration, read by the gateway's own reader, and a failure prints the table to paste.
/// </summary>
public sealed class SettingsDocumentationTests
{
    public static TheoryData<string> ShippedTransforms() =>
        [.. Directory.EnumerateFiles(RepositoryPaths.Transforms, "*.js").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).OfType<string>()];

    [Theory]
    [MemberData(nameof(ShippedTransforms))]
    public void EveryShippedTransformDeclaresItsSettings(string transform)
    {
        Assert.NotNull(Declaration(transform));
    }

    [Theory]
    [MemberData(nameof(ShippedTransforms))]
    public void TheConnectingPagesSettingsTableIsTheScriptsDeclaration(string transform)
    {
        var page = ConnectingPage(transform);
        var expected = Table(Declaration(transform)!);

        Assert.True(File.ReadAllText(Path.Combine(RepositoryPaths.Root, page)).ReplaceLineEndings("\n").Contains(expected, StringComparison.Ordinal),
            $"{page} should hold its settings table as transforms/{transform}.js declares them:\n\n{expected}");
    }

    /// <summary>
    /// The page that documents a transform's settings: the tool's connecting page; for the transforms that carry ilert's
    /// alert webhooks back to a tool (<c>ilert-to-&lt;tool&gt;</c>), the one page of those callbacks.
    /// </summary>
    internal static string ConnectingPage(string transform) =>
        transform.StartsWith("ilert-to-", StringComparison.Ordinal) ? "docs/connecting-ilert-callbacks.md" : $"docs/connecting-{transform}.md";

    [Fact]
    public void NoShippedScriptRepeatsADefaultInAComment()
    {
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Transforms, "*.js"))
        {
            var comments = string.Join("\n", File.ReadLines(file).Select(line => line.TrimStart()).Where(line => line.StartsWith("//", StringComparison.Ordinal)));
            Assert.DoesNotContain("default", comments, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Settings (", comments, StringComparison.Ordinal);
        }
    }

    /// <summary>The table as a page shows it: setting, default (and "any case"), meaning.</summary>
    internal static string Table(SettingsDeclaration declaration)
    {
        var table = new StringBuilder("| setting | default | meaning |\n|---|---|---|\n");
        foreach (var setting in declaration.Settings)
        {
            table.Append($"| `{setting.Name}` | {Default(setting)}{(setting.AnyCase ? ", any case" : "")} | {setting.About} |\n");
        }

        return table.ToString();
    }

    private static string Default(SettingDeclaration setting) => setting.Kind switch
    {
        SettingKind.List => Code("[" + string.Join(", ", setting.Items.Select(item => $"\"{item}\"")) + "]"),
        SettingKind.Map => setting.Entries.Count == 0 ? "none" : Code("{ " + string.Join(", ", setting.Entries.Select(e => $"\"{e.Key}\": \"{e.Value}\"")) + " }"),
        _ => setting.Text.Length == 0 ? "none" : Code(setting.Text),
    };

    /// <summary>A code span in a table cell: a "|" would end the cell, so it is escaped.</summary>
    private static string Code(string text) => "`" + text.Replace("|", "\\|", StringComparison.Ordinal) + "`";

    private static SettingsDeclaration? Declaration(string transform)
    {
        var path = Path.Combine(RepositoryPaths.Transforms, transform + ".js");
        return SettingsDeclarationReader.Read(File.ReadAllText(path), path);
    }
}
