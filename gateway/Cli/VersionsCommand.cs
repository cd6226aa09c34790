using System.Text.Json;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Cli;

/// <summary>
/// <c>transforms history|diff|publish|rollback</c>: a transform's versions on a running gateway, through its management
/// port (<c>/_gateway/transforms/{name}/versions</c>, <c>…/diff</c>, <c>…/rollback</c>). Exits 0 when done, 1 when the
/// gateway refused (its problem's detail printed) or did not answer, 2 on a usage error. The token comes from the
/// environment (<see cref="ManagementTarget"/>) and is never printed.
/// </summary>
internal static class VersionsCommand
{
    public const string Usage = """
          transforms history <name> [--limit N]                      <name>'s versions, newest first; * marks the serving one
          transforms diff <name> <a> <b>                             a unified diff from version a to version b
          transforms publish <name> <file.js> -m "why" [--fixtures file.fixtures.json] [--if-match N]
                                                                     the file as <name>'s next version, checked as a save is
                                                                     (compiles, fixtures pass) before it serves; without
                                                                     --fixtures the serving fixtures stay
          transforms rollback <name> <version> -m "why" [--if-match N]
                                                                     <version>'s content served again, as the next version
            --url http://host:port    a running gateway's management port (default: the first address of
                                      Gateway__Management__Urls, else http://127.0.0.1:5081); the token is taken from
                                      GATEWAY_TOKEN (yours), else Gateway__Management__Token
            --if-match N              only if version N is still the latest (else 412, and nothing changes)
        """;

    public static int Run(string verb, string[] args, TextWriter output, TextWriter notes, Func<string, string?> environment)
    {
        if (!VersionsOptions.TryParse(verb, args, out var options, out var problem))
        {
            output.WriteLine(problem);
            output.WriteLine("usage:");
            output.WriteLine(Usage);
            return 2;
        }

        JsonObject? published = null;
        if (verb == "publish" && (published = ReadFiles(options, output)) is null)
        {
            return 2;
        }

        var (token, tokenVariable) = ManagementTarget.Token(environment);
        using var client = new ManagementClient(options.Url ?? ManagementTarget.Root(environment), token);
        try
        {
            var answer = Send(client, options, published);
            return answer.IsSuccess ? Print(client, options, answer, output, notes) : Refused(answer, options, tokenVariable, output);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            var why = ex is OperationCanceledException ? $"nothing within {ManagementClient.Timeout.TotalSeconds:0} s" : ex.Message.ReplaceLineEndings(" ");
            output.WriteLine($"{client.Root}: no answer ({why})");
            return 1;
        }
        catch (JsonException)
        {
            output.WriteLine($"{client.Root}: the answer is not the management API's (is this the gateway's management port?)");
            return 1;
        }
    }

    private static ManagementAnswer Send(ManagementClient client, VersionsOptions options, JsonObject? published) => options.Verb switch
    {
        "history" => client.Send(HttpMethod.Get, ManagementClient.TransformPath(options.Name, options.Limit is { } limit ? $"/versions?limit={limit}" : "/versions")),
        "diff" => client.Send(HttpMethod.Get, ManagementClient.TransformPath(options.Name, $"/diff?from={options.From}&to={options.To}")),
        "publish" => client.Send(HttpMethod.Post, ManagementClient.TransformPath(options.Name, "/versions"), published, options.IfMatch),
        _ => client.Send(HttpMethod.Post, ManagementClient.TransformPath(options.Name, "/rollback"), new JsonObject { ["version"] = options.Version, ["message"] = options.Message }, options.IfMatch),
    };

    /// <summary>What a verb that succeeded prints: the table, the diff, or the new version's number and SHA-256.</summary>
    private static int Print(ManagementClient client, VersionsOptions options, ManagementAnswer answer, TextWriter output, TextWriter notes)
    {
        switch (options.Verb)
        {
            case "history":
                var serving = ServingVersion(client.Send(HttpMethod.Get, ManagementClient.TransformPath(options.Name)));
                WriteLines(output, VersionHistoryTable.Lines(answer.Read<List<VersionSummary>>(), serving));
                break;
            case "diff" when answer.Body.Length == 0:
                notes.WriteLine($"versions {options.From} and {options.To} of {options.Name} are the same");
                break;
            case "diff":
                output.Write(answer.Body.EndsWith('\n') ? answer.Body : answer.Body + "\n");
                break;
            default:
                var version = answer.Read<VersionSummary>();
                output.WriteLine(options.Verb == "publish"
                    ? $"published {options.Name} version {version.Number} (sha256 {version.Sha256})"
                    : $"rolled {options.Name} back to version {options.Version}'s content: version {version.Number} (sha256 {version.Sha256})");
                break;
        }

        return 0;
    }

    private static int Refused(ManagementAnswer answer, VersionsOptions options, string? tokenVariable, TextWriter output)
    {
        WriteLines(output, ProblemReport.Lines(answer, options, tokenVariable));
        return 1;
    }

    private static void WriteLines(TextWriter output, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }
    }

    /// <summary><c>publish</c>'s body: the script and the fixture file as they are on disk, why, and origin <c>cli</c>; null (said on <paramref name="output"/>) when a file cannot be read.</summary>
    private static JsonObject? ReadFiles(VersionsOptions options, TextWriter output)
    {
        var body = new JsonObject { ["message"] = options.Message, ["origin"] = Versions.VersionOrigin.Cli };
        foreach (var (member, path) in new[] { ("script", options.ScriptFile), ("fixtures", options.FixturesFile) })
        {
            if (path is null)
            {
                continue;
            }

            try
            {
                body[member] = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                output.WriteLine(ex is FileNotFoundException or DirectoryNotFoundException ? $"{path}: no such file" : $"{path}: cannot be read ({ex.Message})");
                return null;
            }
        }

        return body;
    }

    /// <summary>The serving version's number from a transform's status (<c>GET /_gateway/transforms/{name}</c>); null when there is none to mark.</summary>
    private static int? ServingVersion(ManagementAnswer status) =>
        status.IsSuccess && JsonNode.Parse(status.Body)?["version"] is JsonValue version && version.TryGetValue<int>(out var number) ? number : null;
}
