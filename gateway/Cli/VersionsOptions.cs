using System.Globalization;

namespace HaloIlertGateway.Cli;

/// <summary>
/// The arguments of <c>transforms history|diff|publish|rollback</c>: the transform's name and the verb's other words,
/// and the options each verb takes (<see cref="VersionsCommand.Usage"/>). Versions are numbers from 1.
/// </summary>
internal sealed record VersionsOptions
{
    /// <summary>Each verb's words after <c>transforms &lt;verb&gt;</c>, as usage says them, and the options it takes.</summary>
    private static readonly Dictionary<string, (string[] Words, string[] Options)> Verbs = new(StringComparer.Ordinal)
    {
        ["history"] = (["<name>"], ["--url", "--limit"]),
        ["diff"] = (["<name>", "<a>", "<b>"], ["--url"]),
        ["publish"] = (["<name>", "<file.js>"], ["--url", "-m", "--message", "--fixtures", "--if-match"]),
        ["rollback"] = (["<name>", "<version>"], ["--url", "-m", "--message", "--if-match"]),
    };

    public string Verb { get; private init; } = string.Empty;

    public string Name { get; private init; } = string.Empty;

    /// <summary><c>publish</c>: the script to publish.</summary>
    public string? ScriptFile { get; private init; }

    /// <summary><c>diff</c>: from this version.</summary>
    public int From { get; private init; }

    /// <summary><c>diff</c>: to this version.</summary>
    public int To { get; private init; }

    /// <summary><c>rollback</c>: the version whose content serves again.</summary>
    public int Version { get; private init; }

    /// <summary><c>--url</c>: the management port's root; null for the one the environment names.</summary>
    public Uri? Url { get; private init; }

    /// <summary><c>-m</c>: why; required by <c>publish</c> and <c>rollback</c>.</summary>
    public string? Message { get; private init; }

    /// <summary><c>--fixtures</c>: the fixture file to publish with the script; null keeps the serving fixtures.</summary>
    public string? FixturesFile { get; private init; }

    /// <summary><c>--if-match</c>: change only if this is still the latest version; null for no condition.</summary>
    public int? IfMatch { get; private init; }

    /// <summary><c>--limit</c>: at most this many versions; null for the API's default.</summary>
    public int? Limit { get; private init; }

    public static bool IsVerb(string verb) => Verbs.ContainsKey(verb);

    public static bool TryParse(string verb, IReadOnlyList<string> args, out VersionsOptions options, out string problem)
    {
        options = new VersionsOptions { Verb = verb };
        problem = string.Empty;
        var (shape, allowed) = Verbs[verb];
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                words.Add(arg);
                continue;
            }

            if (!allowed.Contains(arg))
            {
                problem = $"transforms {verb} takes no option {arg}";
                return false;
            }

            if (i + 1 >= args.Count)
            {
                problem = $"{arg} needs a value";
                return false;
            }

            var value = args[++i];
            if (With(options, arg, value) is not { } with)
            {
                problem = Malformed(arg, value);
                return false;
            }

            options = with;
        }

        if (words.Count != shape.Length)
        {
            problem = $"transforms {verb} takes {string.Join(' ', shape)}, and options";
            return false;
        }

        options = options with { Name = words[0] };
        switch (verb)
        {
            case "diff" when TryVersion(words[1], out var from) && TryVersion(words[2], out var to):
                options = options with { From = from, To = to };
                break;
            case "diff":
                problem = $"transforms diff: {words[1]} and {words[2]} must be version numbers (1, 2, …)";
                return false;
            case "publish":
                options = options with { ScriptFile = words[1] };
                break;
            case "rollback" when TryVersion(words[1], out var version):
                options = options with { Version = version };
                break;
            case "rollback":
                problem = $"transforms rollback: {words[1]} must be a version number (1, 2, …)";
                return false;
        }

        if (verb is "publish" or "rollback" && options.Message is null)
        {
            problem = $"transforms {verb} needs -m \"why\": the message recorded with the version";
            return false;
        }

        return true;
    }

    /// <summary><paramref name="options"/> with <paramref name="option"/> set to <paramref name="value"/>; null when the value does not fit.</summary>
    private static VersionsOptions? With(VersionsOptions options, string option, string value) => option switch
    {
        "--url" when Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.UserInfo.Length == 0 => options with { Url = url },
        "-m" or "--message" when !string.IsNullOrWhiteSpace(value) => options with { Message = value },
        "--fixtures" => options with { FixturesFile = value },
        "--if-match" when TryVersion(value, out var version) => options with { IfMatch = version },
        "--limit" when TryVersion(value, out var limit) => options with { Limit = limit },
        _ => null,
    };

    private static string Malformed(string option, string value) => option switch
    {
        "--url" => "--url: not an http:// or https:// URL without credentials (the token comes from the environment)",
        "-m" or "--message" => $"{option} needs a message: why the version changes",
        _ => $"{option} {value}: not a number from 1",
    };

    private static bool TryVersion(string text, out int version) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version >= 1;
}
