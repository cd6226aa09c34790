using System.Text.RegularExpressions;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Hosting;

/// <summary>Every relative link in README.md, docs/ and bench/README.md reaches a file of the repository, and a heading in it when it names one.</summary>
public sealed partial class DocumentLinkTests
{
    public static TheoryData<string> Documents() =>
        [.. Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md").Prepend(Path.Combine(RepositoryPaths.Root, "README.md"))
            .Append(Path.Combine(RepositoryPaths.Root, "bench", "README.md"))
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path))];

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryRelativeLinkReachesItsFileAndHeading(string document)
    {
        var path = Path.Combine(RepositoryPaths.Root, document);
        var links = Links().Matches(Fences().Replace(File.ReadAllText(path), string.Empty))
            .Select(m => m.Groups[1].Value)
            .Where(target => !UriScheme().IsMatch(target))
            .ToList();

        foreach (var link in links)
        {
            var (file, anchor) = link.Split('#', 2) is [var f, var a] ? (f, a) : (link, null);
            var target = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            Assert.True(File.Exists(target) || Directory.Exists(target), $"{document}: {link} reaches nothing");
            Assert.StartsWith(RepositoryPaths.Root, target, StringComparison.Ordinal);
            if (anchor is not null && target.EndsWith(".md", StringComparison.Ordinal))
            {
                Assert.True(Anchors(target).Contains(anchor), $"{document}: {link}: no such heading in {Path.GetFileName(target)}");
            }
        }
    }

    /// <summary>The anchors a Markdown renderer gives the headings of a file (GitHub's: lower case, punctuation dropped, spaces to '-').</summary>
    private static HashSet<string> Anchors(string path) =>
        [.. Headings().Matches(Fences().Replace(File.ReadAllText(path), string.Empty))
            .Select(m => NotInAnchor().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-'))];

    [GeneratedRegex(@"\[[^\]]+\]\(([^)\s]+)\)")]
    private static partial Regex Links();

    [GeneratedRegex(@"(?m)^#{1,6} (.+)$")]
    private static partial Regex Headings();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotInAnchor();

    [GeneratedRegex(@"(?ms)^\s*```.*?^\s*```")]
    private static partial Regex Fences();

    [GeneratedRegex("^[a-z]+:")]
    private static partial Regex UriScheme();
}
