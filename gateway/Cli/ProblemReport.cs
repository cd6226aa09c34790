using System.Text.Json;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Cli;

/// <summary>
/// A refusal from the management port as the CLI prints it: the status with the problem's title and detail, then what
/// to do next where the CLI knows it (a transform that failed: each failing fixture case and why; a stale
/// <c>--if-match</c>: the diff to read and the version to name; a refused token: the variable it came from, never its value).
/// </summary>
internal static class ProblemReport
{
    public static IReadOnlyList<string> Lines(ManagementAnswer answer, VersionsOptions options, string? tokenVariable)
    {
        var problem = ParseObject(answer.Body);
        var title = Text(problem?["title"]) ?? answer.Reason;
        var detail = Text(problem?["detail"]);
        var lines = new List<string> { string.Join(' ', new[] { answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), title, detail }.Where(part => !string.IsNullOrEmpty(part))) };

        foreach (var fixture in (problem?["fixtures"] as JsonArray ?? []).OfType<JsonObject>().Where(f => f["passed"] is JsonValue passed && passed.TryGetValue<bool>(out var ok) && !ok))
        {
            lines.Add($"  case \"{Text(fixture["name"])}\": {Text(fixture["failure"])?.Replace("\n", "\n    ", StringComparison.Ordinal)}");
        }

        if (answer.Status == 401)
        {
            lines.Add(tokenVariable is null
                ? $"No token was sent: set {ManagementTarget.UserTokenVariable} (yours) or {ManagementTarget.SharedTokenVariable} in the environment."
                : $"The token in {tokenVariable} was not accepted.");
        }

        if (answer.Status == 412 && problem is not null && problem["latestVersion"] is JsonValue latest && latest.TryGetValue<int>(out var number))
        {
            var yours = options.IfMatch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<yours>";
            lines.Add($"See what changed: transforms diff {options.Name} {yours} {number}; then run this again with --if-match {number}.");
        }

        return lines;
    }

    private static JsonObject? ParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // Not a problem (a proxy's page, or nothing): the status and its reason phrase say what there is to say.
            return null;
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? TerminalText.Printable(text, keepLines: true) : null;
}
