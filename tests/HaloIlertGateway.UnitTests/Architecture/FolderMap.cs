using System.Text.RegularExpressions;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Architecture;

/// <summary>
/// The table of <c>docs/architecture.md</c> as the architecture test reads it: every folder of <c>gateway/</c>
/// (<c>Delivery/Postgres</c> is a folder of its own) and the folders it may use. A row is
/// <c>| `Folder/` | what it is | Other, Folder/Sub (why) |</c>: what is in brackets explains and is not read, and
/// <c>none</c> is an empty list.
/// </summary>
public sealed partial record FolderMap(IReadOnlyDictionary<string, IReadOnlySet<string>> Uses)
{
    public const string Document = "docs/architecture.md";

    /// <summary>The heading of the table's section in <see cref="Document"/>.</summary>
    public const string Heading = "Folders and what each may use";

    /// <summary>The map as documented.</summary>
    public static FolderMap Read() => Parse(Markdown.Section(Markdown.Read(Document), Heading));

    public static FolderMap Parse(string markdown)
    {
        var uses = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (Match row in Rows().Matches(markdown))
        {
            var folder = Folder(row.Groups["folder"].Value);
            var used = Explanations().Replace(row.Groups["uses"].Value, string.Empty)
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(name => name != "none")
                .Select(Folder)
                .ToHashSet(StringComparer.Ordinal);
            Assert.True(uses.TryAdd(folder, used), $"{Document} has two rows for {folder}");
        }

        return new FolderMap(uses);
    }

    /// <summary>The same map with one edge taken out (to show that the check notices it).</summary>
    public FolderMap Without(string folder, string used) =>
        new(Uses.ToDictionary(pair => pair.Key, pair => pair.Key == folder ? pair.Value.Where(name => name != used).ToHashSet() : pair.Value));

    /// <summary>The same map without <paramref name="folder"/>'s row.</summary>
    public FolderMap WithoutRow(string folder) => new(Uses.Where(pair => pair.Key != folder).ToDictionary());

    /// <summary>A folder as the table and the test name it: <c>Delivery/Postgres</c>, without backticks or the trailing slash.</summary>
    private static string Folder(string cell) => cell.Trim().Trim('`').TrimEnd('/');

    /// <summary>A table row whose first cell is one folder in backticks; its last cell is what the folder uses.</summary>
    [GeneratedRegex(@"(?m)^\| *(?<folder>`[A-Za-z/]+/`) *\|[^\n]*\| *(?<uses>[^|\n]*?) *\| *$")]
    private static partial Regex Rows();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Explanations();
}
