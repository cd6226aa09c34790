using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Scripting.Fixtures;

/// <summary>
/// Runs fixture cases through a compiled transform and says, for each, whether the output is as expected and if not,
/// why. Cases run under <paramref name="timeLimit"/> (the load-time limit), not the live one.
/// </summary>
internal sealed class TransformFixtureRunner(TransformRunner runner, TimeSpan timeLimit)
{
    /// <summary>The <c>receivedAt</c> of a case that does not set one, so that outputs are repeatable.</summary>
    public static readonly DateTimeOffset DefaultReceivedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string PathFor(string scriptPath) => Path.ChangeExtension(scriptPath, null) + TransformFixtureFile.Suffix;

    public FixtureResult Run(CompiledTransform script, TransformFixtureFile file, TransformFixtureCase fixture)
    {
        var (request, context) = Inputs(script.Name, file, fixture);
        var outcome = runner.Run(script, request, context, timeLimit);
        return new FixtureResult(fixture.Name, Check(fixture.Expect, outcome), outcome);
    }

    /// <summary>The request and context a case of <paramref name="transform"/>'s fixture file runs with.</summary>
    public static (IncomingRequest Request, TransformContext Context) Inputs(string transform, TransformFixtureFile file, TransformFixtureCase fixture)
    {
        var request = fixture.Request.ToTransformRequest();
        var settings = fixture.Settings.ValueKind == JsonValueKind.Object ? fixture.Settings : file.Settings;
        return (request, TransformContext.For(fixture.Route ?? transform, fixture.ReceivedAt ?? DefaultReceivedAt, TransformSettingsProvider.FromJson(settings), request.Params));
    }

    private static string? Check(FixtureExpectation expect, TransformOutcome outcome)
    {
        switch (outcome)
        {
            case TransformOutcome.Fail fail when expect.Error is not null:
                return fail.Failure.Message.Contains(expect.Error, StringComparison.OrdinalIgnoreCase)
                    ? null
                    : $"expected an error containing \"{expect.Error}\", got \"{fail.Failure.Message}\"";
            case TransformOutcome.Fail fail:
                return $"the transform failed: {fail.Failure.Message}{fail.Failure.Where}";
            case TransformOutcome.Drop drop when expect.Drop is not null:
                return drop.Reason.Contains(expect.Drop, StringComparison.OrdinalIgnoreCase)
                    ? null
                    : $"expected a drop because \"{expect.Drop}\", got \"{drop.Reason}\"";
            case TransformOutcome.Drop drop:
                return $"the transform dropped the request: {drop.Reason}";
            case TransformOutcome.Forward when expect.Error is not null:
                return $"expected an error containing \"{expect.Error}\", the request was forwarded";
            case TransformOutcome.Forward when expect.Drop is not null:
                return $"expected a drop because \"{expect.Drop}\", the request was forwarded";
            case TransformOutcome.Forward forward:
                return CheckForwarded(expect, forward.Request);
            default:
                return "unknown outcome";
        }
    }

    private static string? CheckForwarded(FixtureExpectation expect, OutgoingRequest actual)
    {
        if (expect.Path is not null && expect.Path != actual.Path)
        {
            return $"path: expected {expect.Path}, got {actual.Path}";
        }

        if (expect.Query is not null && !(expect.Query.Count == actual.Query.Count && expect.Query.All(pair => actual.Query.TryGetValue(pair.Key, out var value) && value == pair.Value)))
        {
            return $"query: expected {JsonSerializer.Serialize(expect.Query)}, got {JsonSerializer.Serialize(actual.Query)}";
        }

        foreach (var (name, value) in expect.Headers ?? new Dictionary<string, string>())
        {
            if (!actual.Headers.TryGetValue(name, out var got) || got != value)
            {
                return $"header {name}: expected \"{value}\", got {(got is null ? "none" : $"\"{got}\"")}";
            }
        }

        if (expect.Body.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        var actualBody = actual.Body is null ? null : actual.BodyIsJson ? JsonNode.Parse(actual.Body) : JsonValue.Create(Encoding.UTF8.GetString(actual.Body));
        var expectedBody = JsonNode.Parse(expect.Body.GetRawText());
        return JsonNode.DeepEquals(expectedBody, actualBody)
            ? null
            : $"body:\n  expected {expectedBody?.ToJsonString(Readable)}\n  got      {actualBody?.ToJsonString(Readable) ?? "no body"}";
    }
}
