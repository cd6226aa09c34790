using System.Text;
using System.Text.RegularExpressions;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>The repository's Markdown as tests read it: sections by heading, fenced code blocks, the shell commands in them.</summary>
public static partial class Markdown
{
    /// <summary>A Markdown file of the repository, by its path from the root (<c>README.md</c>, <c>docs/transforms.md</c>).</summary>
    public static string Read(string path) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, path));

    /// <summary>The section under <paramref name="heading"/> (any level), up to the next heading of the same or a higher level.</summary>
    public static string Section(string markdown, string heading)
    {
        var match = Regex.Match(markdown, $@"(?m)^(#+) {Regex.Escape(heading)}\s*$");
        Assert.True(match.Success, $"no heading '{heading}'");
        var level = match.Groups[1].Length;
        var next = Regex.Match(markdown[(match.Index + match.Length)..], $@"(?m)^#{{1,{level}}} ");
        return next.Success ? markdown.Substring(match.Index, match.Length + next.Index) : markdown[match.Index..];
    }

    /// <summary>The fenced code blocks of <paramref name="language"/> in <paramref name="text"/>, in order, without their indentation.</summary>
    public static IReadOnlyList<string> CodeBlocks(string text, string language) =>
        [.. Fences().Matches(text).Where(m => m.Groups["language"].Value == language).Select(m => Unindent(m.Groups["body"].Value, m.Groups["indent"].Value.Length))];

    /// <summary>
    /// The commands of a shell block as a POSIX shell splits them into words: continuation lines joined, comments
    /// dropped, quotes removed (no variables or other expansion: the tests give those themselves).
    /// </summary>
    public static IReadOnlyList<string[]> Commands(string block)
    {
        var commands = new List<string[]>();
        foreach (var line in block.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
        {
            var words = Words(line);
            if (words.Count > 0)
            {
                commands.Add([.. words]);
            }
        }

        return commands;
    }

    /// <summary>Every <c>dotnet run --project gateway -- ...</c> command in shell blocks of <paramref name="text"/>: the gateway's arguments.</summary>
    public static IReadOnlyList<string[]> GatewayCommands(string text) =>
        [.. CodeBlocks(text, "sh").SelectMany(Commands)
            .Where(words => words is ["dotnet", "run", "--project", "gateway", "--", ..])
            .Select(words => words[5..])];

    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static string Unindent(string body, int indent) =>
        string.Join('\n', body.Split('\n').Select(line => line.Length >= indent && line[..indent].Trim().Length == 0 ? line[indent..] : line.TrimStart()));

    [GeneratedRegex(@"(?m)^(?<indent>[ ]*)```(?<language>[a-z]*)\n(?<body>.*?)\n[ ]*```", RegexOptions.Singleline)]
    private static partial Regex Fences();
}
