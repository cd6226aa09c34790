using System.Text.Json;
using DiffPlex;
using DiffPlex.Renderer;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Versions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HaloIlertGateway.Admin;

/// <summary>
/// A transform's history and how it changes: <c>GET /_gateway/transforms/{name}/versions[/{number}]</c>,
/// <c>POST …/versions</c> (publish, with <c>If-Match</c> on the latest version's ETag), <c>POST …/rollback</c>, and
/// <c>GET …/diff?from=&amp;to=</c> (a unified diff of two versions' scripts and fixtures). A publish or rollback is
/// checked as a file edit is: a stale one (412), one that fails (422) or one this gateway does not take (409) changes
/// nothing. The author of a version is whoever signed in.
/// </summary>
internal sealed class TransformVersionEndpoints(TransformVersionStore versions, TransformPublisher publisher, IOptions<TransformSourceOptions> options)
{
    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, IServiceProvider gateway)
    {
        var api = ActivatorUtilities.CreateInstance<TransformVersionEndpoints>(gateway);
        var transform = endpoints.MapGroup("/_gateway/transforms/{name}");
        transform.MapGet("/versions", api.ListAsync);
        transform.MapGet("/versions/{number:int}", api.GetAsync);
        transform.MapGet("/diff", api.DiffAsync);
        transform.MapPost("/versions", api.PublishAsync).Audited("publish");
        transform.MapPost("/rollback", api.RollBackAsync).Audited("rollback");
        return endpoints;
    }

    public async Task<Results<Ok<List<TransformVersion>>, ProblemHttpResult>> ListAsync(string name, int? before, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > TransformVersionStore.MaxLimit)
        {
            return BadRequest($"limit must be 1 to {TransformVersionStore.MaxLimit}.");
        }

        var list = await versions.ListAsync(name, before, limit ?? DefaultLimit, cancellationToken);
        return list.Count == 0 && before is null ? NotFound(name) : TypedResults.Ok(list);
    }

    public async Task<Results<Ok<TransformVersion>, ProblemHttpResult>> GetAsync(string name, int number, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await versions.GetAsync(name, number, cancellationToken) is not { } version)
        {
            return GatewayProblems.NotFoundResult($"Transform '{name}' has no version {number}.", "Unknown version.");
        }

        response.Headers.ETag = ETagOf(version.Number);
        return TypedResults.Ok(version);
    }

    /// <summary>A unified diff from version <paramref name="from"/> to <paramref name="to"/> (the script, then the fixtures when they differ).</summary>
    public async Task<Results<ContentHttpResult, ProblemHttpResult>> DiffAsync(string name, int from, int to, CancellationToken cancellationToken)
    {
        var older = await versions.GetAsync(name, from, cancellationToken);
        var newer = await versions.GetAsync(name, to, cancellationToken);
        if (older is null || newer is null)
        {
            return GatewayProblems.NotFoundResult($"Transform '{name}' has no version {(older is null ? from : to)}.", "Unknown version.");
        }

        // A diff's cost grows with the square of the lines that differ, and a read user may ask for one.
        var limit = options.Value.MaxDiffLines;
        if (new[] { older.Script, newer.Script, older.Fixtures, newer.Fixtures }.Any(text => LineCount(text) > limit))
        {
            return TypedResults.Problem($"A side of this diff has more than Gateway:Transforms:MaxDiffLines ({limit:N0}) lines: compare the versions' scripts (GET versions/{{number}}) with a tool of your own.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large to diff.", type: GatewayProblems.TypePrefix + GatewayProblems.PayloadTooLarge);
        }

        var renderer = new UnidiffRenderer(new Differ(), contextLines: 3);
        var diff = renderer.Generate(older.Script, newer.Script, $"{name}.js (version {from})", $"{name}.js (version {to})", ignoreWhitespace: false, ignoreCase: false)
            + renderer.Generate(older.Fixtures ?? string.Empty, newer.Fixtures ?? string.Empty, $"{name}.fixtures.json (version {from})", $"{name}.fixtures.json (version {to})", ignoreWhitespace: false, ignoreCase: false);
        return TypedResults.Text(diff, "text/x-diff; charset=utf-8");
    }

    public async Task<Results<Created<TransformVersion>, ProblemHttpResult>> PublishAsync(string name, PublishRequest publish, HttpContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(publish.Script) || string.IsNullOrWhiteSpace(publish.Message))
        {
            return BadRequest("A publish needs \"script\" (the whole script) and \"message\" (why it changes).");
        }

        var origin = publish.Origin ?? VersionOrigin.Api;
        if (!VersionOrigin.Published.Contains(origin))
        {
            return BadRequest($"\"origin\" is one of {string.Join(", ", VersionOrigin.Published)}.");
        }

        if (FixturesOf(publish.Fixtures) is not { } fixtures)
        {
            return BadRequest("\"fixtures\" is the fixture file: a JSON object ({ \"cases\": [...] }) or its text as a string.");
        }

        if (publish.Settings.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            return BadRequest("\"settings\" is a JSON object: the transform's settings, as in proxy.json's Gateway:Transforms:<name>:Settings.");
        }

        if (!TryExpected(context.Request, out var expected))
        {
            return Stale(new PublishOutcome.Stale(0, await versions.LatestAsync(name, cancellationToken)), context.Request.Headers.IfMatch.ToString());
        }

        // Settings pass through configuration's rules first (values as strings, 0..n-1 keys as arrays), as proxy.json's do.
        var settings = publish.Settings.ValueKind == JsonValueKind.Object ? System.Text.Encoding.UTF8.GetString(TransformSettingsProvider.FromJson(publish.Settings).Span) : null;
        var outcome = await publisher.PublishAsync(
            name, publish.Script, fixtures.Given ? fixtures.Text : null, settings, ManagementActor.Of(context).Name, publish.Message, origin, expected, cancellationToken);
        return Answer(name, outcome, context);
    }

    public async Task<Results<Created<TransformVersion>, ProblemHttpResult>> RollBackAsync(string name, RollbackRequest rollback, HttpContext context, CancellationToken cancellationToken)
    {
        if (!TryExpected(context.Request, out var expected))
        {
            return Stale(new PublishOutcome.Stale(0, await versions.LatestAsync(name, cancellationToken)), context.Request.Headers.IfMatch.ToString());
        }

        var outcome = await publisher.RollBackAsync(name, rollback.Version, ManagementActor.Of(context).Name, rollback.Message, expected, cancellationToken);
        return Answer(name, outcome, context);
    }

    private static int LineCount(string? text) => text is null ? 0 : text.AsSpan().Count('\n') + 1;

    /// <summary>The ETag of a version: its number, quoted.</summary>
    public static string ETagOf(int number) => $"\"{number}\"";

    private static Results<Created<TransformVersion>, ProblemHttpResult> Answer(string name, PublishOutcome outcome, HttpContext context)
    {
        if (outcome is not PublishOutcome.Published { Version: var version })
        {
            return ProblemOf(outcome, context.Request.Headers.IfMatch.ToString());
        }

        context.Response.Headers.ETag = ETagOf(version.Number);
        context.Items[AuditTrail.DetailKey] = $"version {version.Number}, sha256 {version.Sha256[..12]}";
        return TypedResults.Created($"/_gateway/transforms/{name}/versions/{version.Number}", version);
    }

    /// <summary>The problem a change that was not made answers, here and on the page's save: each outcome its status and type.</summary>
    public static ProblemHttpResult ProblemOf(PublishOutcome outcome, string ifMatch) => outcome switch
    {
        PublishOutcome.Stale stale => Stale(stale, ifMatch),
        PublishOutcome.Invalid { Report: var report } => TypedResults.Problem(report.Error!.ToString(), statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The version was not published.", type: GatewayProblems.TypePrefix + GatewayProblems.TransformInvalid, extensions: new Dictionary<string, object?>
            {
                ["line"] = report.Error.Line,
                ["column"] = report.Error.Column,
                ["fixtures"] = report.Fixtures.Select(f => new { name = f.Name, passed = f.Passed, failure = f.Failure }).ToList(),
            }),
        PublishOutcome.Refused refused => TypedResults.Problem(refused.Detail, statusCode: StatusCodes.Status409Conflict, title: refused.Title, type: GatewayProblems.TypePrefix + GatewayProblems.PublishingOff),
        PublishOutcome.TooLarge tooLarge => TypedResults.Problem(tooLarge.Detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "The version is too large.",
            type: GatewayProblems.TypePrefix + GatewayProblems.PayloadTooLarge),
        PublishOutcome.Malformed malformed => BadRequest(malformed.Detail),
        PublishOutcome.Unknown unknown => GatewayProblems.NotFoundResult(unknown.Detail, "Unknown transform or version."),
        _ => throw new InvalidOperationException($"Unexpected outcome {outcome}."),
    };

    private static ProblemHttpResult Stale(PublishOutcome.Stale stale, string ifMatch) => TypedResults.Problem(
        stale.Latest is { } latest
            ? $"If-Match {ifMatch} is not the latest version: version {latest.Number} by {latest.Author} ({latest.CreatedAt:u}: \"{latest.Message}\") is. "
                + $"Compare with GET diff?from={stale.Expected}&to={latest.Number}, then publish again with If-Match: {ETagOf(latest.Number)}."
            : $"If-Match {ifMatch} is not the latest version: the transform has no version yet.",
        statusCode: StatusCodes.Status412PreconditionFailed, title: "A newer version was published.", type: GatewayProblems.TypePrefix + GatewayProblems.VersionStale,
        extensions: new Dictionary<string, object?> { ["latestVersion"] = stale.Latest?.Number, ["latestAuthor"] = stale.Latest?.Author });

    /// <summary><c>If-Match</c>: none or <c>*</c> (no condition), or one quoted version number; anything else matches no version.</summary>
    private static bool TryExpected(HttpRequest request, out int? expected)
    {
        expected = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return true;
        }

        if (EntityTagHeaderValue.TryParse(header, out var tag) && !tag.IsWeak && int.TryParse(tag.Tag.AsSpan().Trim('"'), System.Globalization.NumberStyles.None, null, out var number))
        {
            expected = number;
            return true;
        }

        return false;
    }

    private static (bool Given, string? Text)? FixturesOf(JsonElement fixtures) => fixtures.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => (false, null),
        JsonValueKind.Object => (true, fixtures.GetRawText()),
        JsonValueKind.String => (true, fixtures.GetString()),
        _ => null,
    };

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request.", type: GatewayProblems.TypePrefix + GatewayProblems.InvalidRequest);

    private static ProblemHttpResult NotFound(string name) => GatewayProblems.NotFoundResult($"Transform '{name}' has no versions.", "Unknown transform.");
}
