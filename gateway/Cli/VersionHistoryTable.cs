using System.Globalization;

namespace HaloIlertGateway.Cli;

/// <summary>
/// <c>transforms history</c>'s table: one line per version, newest first, with its number, when it was made (UTC, to
/// the second), by whom, how and why; <c>*</c> marks the version serving now.
/// </summary>
internal static class VersionHistoryTable
{
    public const string ServingMark = "*";

    private static readonly string[] Header = ["", "version", "time (UTC)", "author", "origin", "message"];

    public static IReadOnlyList<string> Lines(IReadOnlyList<VersionSummary> versions, int? serving)
    {
        var rows = versions.Select(version => new[]
        {
            version.Number == serving ? ServingMark : string.Empty,
            version.Number.ToString(CultureInfo.InvariantCulture),
            version.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            TerminalText.Printable(version.Author),
            TerminalText.Printable(version.Origin),
            TerminalText.Printable(version.Message),
        }).Prepend(Header).ToList();

        // Every column as wide as its widest cell, but the message: it is last, and as long as it is.
        var widths = Enumerable.Range(0, Header.Length - 1).Select(column => rows.Max(row => row[column].Length)).ToArray();
        var lines = rows.Select(row => string.Concat(widths.Select((width, column) => row[column].PadRight(width + 2))) + row[^1]).Select(line => line.TrimEnd()).ToList();
        if (versions.Any(version => version.Number == serving))
        {
            lines.Add($"{ServingMark} serving now");
        }

        return lines;
    }
}
