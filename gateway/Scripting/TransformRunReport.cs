using System.Text;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// What a run produced, as the management test endpoint and <c>transforms run</c> report it: <see cref="Outcome"/> is
/// <c>forwarded</c> (see <see cref="Request"/>), <c>dropped</c> (see <see cref="Reason"/>) or <c>failed</c> (see
/// <see cref="Error"/>); with the script's log lines and the time taken. Nothing is forwarded by such a run.
/// </summary>
internal sealed record TransformRunReport(
    string Outcome,
    string Transform,
    int? Version,
    TransformRunReport.Output? Request,
    string? Reason,
    TransformRunReport.Failure? Error,
    IReadOnlyList<string> Logs,
    double DurationMs)
{
    public static TransformRunReport From(string transform, int? version, TransformOutcome outcome) => outcome switch
    {
        TransformOutcome.Forward forward => new("forwarded", transform, version, ToOutput(forward.Request), null, null, outcome.Logs, outcome.Duration.TotalMilliseconds),
        TransformOutcome.Drop drop => new("dropped", transform, version, null, drop.Reason, null, outcome.Logs, outcome.Duration.TotalMilliseconds),
        TransformOutcome.Fail fail => new("failed", transform, version, null, null, new("run", fail.Failure.Message, fail.Failure.Limit, fail.Failure.Line, fail.Failure.Column), outcome.Logs, outcome.Duration.TotalMilliseconds),
        _ => throw new InvalidOperationException("unknown outcome"),
    };

    private static Output ToOutput(OutgoingRequest request) => new(
        request.Path,
        request.Query,
        request.Headers,
        request.Body is null ? null : request.BodyIsJson ? JsonNode.Parse(request.Body) : JsonValue.Create(Encoding.UTF8.GetString(request.Body)));

    /// <summary>The request that would be forwarded; the body as JSON, or a string when it is not JSON.</summary>
    internal sealed record Output(string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, JsonNode? Body);

    /// <summary><see cref="Stage"/> is <c>compile</c> (a submitted script did not load) or <c>run</c>.</summary>
    internal sealed record Failure(string Stage, string Message, string? Limit, int? Line, int? Column);
}
