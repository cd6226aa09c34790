using HaloIlertGateway.Cli;

namespace HaloIlertGateway.UnitTests.Cli;

/// <summary><c>transforms history</c>'s table.</summary>
public sealed class VersionHistoryTableTests
{
    private static readonly VersionSummary First = new(1, "aa11", "files", new DateTimeOffset(2025, 6, 1, 9, 0, 0, 250, TimeSpan.Zero), "tagger.js", "file");
    private static readonly VersionSummary Second = new(2, "bb22", "alice", new DateTimeOffset(2025, 6, 2, 12, 30, 5, TimeSpan.FromHours(2)), "Tag as v2 for the new board", "cli");

    [Fact]
    public void EachVersionIsALineInAlignedColumnsWithTheServingOneMarked()
    {
        var lines = VersionHistoryTable.Lines([Second, First], serving: 2);

        Assert.Equal(
            [
                "   version  time (UTC)           author  origin  message",
                "*  2        2025-06-02 10:30:05  alice   cli     Tag as v2 for the new board",
                "   1        2025-06-01 09:00:00  files   file    tagger.js",
                "* serving now",
            ],
            lines);
    }

    [Fact]
    public void WithoutTheServingVersionInTheListNothingIsMarked()
    {
        var lines = VersionHistoryTable.Lines([Second, First], serving: null);

        Assert.Equal(3, lines.Count);
        Assert.DoesNotContain(lines, line => line.StartsWith('*'));
    }

    [Fact]
    public void ControlCharactersInAMessageNeverReachTheTerminal()
    {
        var lines = VersionHistoryTable.Lines([First with { Message = "line one\nline two \u001b[31mred\u0007" }], serving: 1);

        Assert.All(lines, line => Assert.DoesNotContain(line, char.IsControl));
        Assert.EndsWith("line one line two  [31mred", lines[1], StringComparison.Ordinal);
    }
}
