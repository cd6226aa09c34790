using System.Text.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Fixtures;
using HaloIlertGateway.Versions;
using Microsoft.AspNetCore.Http.HttpResults;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Admin;

/// <summary>
/// The operator page (<c>GET /</c>) and what it needs beyond the transform and delivery endpoints: routes with
/// their policies, a transform's source and fixture requests (as playground samples), recent requests, who is
/// signed in, and saving an edited script (offered only to an identity that may edit, behind a sign-in).
/// </summary>
internal sealed class OperatorEndpoints(
    TransformCatalog catalog, TransformPublisher publisher, IProxyStateLookup proxy, RecentRequests recent, ManagementOptions management,
    DemoReceiver? demo = null)
{
    /// <summary>
    /// Whether <paramref name="actor"/> may save a script here: one that may edit, signed in (a port that takes no
    /// sign-in is open to everyone on this machine, and what runs in the gateway is not theirs to change), and not in a
    /// cluster that serves its files.
    /// </summary>
    private bool CanSave(ManagementActor actor) => management.SignInRequired && actor.Role >= ManagementRole.Edit && publisher.WhyNot is null;

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, IServiceProvider gateway, ManagementOptions management)
    {
        var api = ActivatorUtilities.CreateInstance<OperatorEndpoints>(gateway, management);
        endpoints.MapGet("/", Page);
        endpoints.MapGet("/_gateway/info", api.Info);
        endpoints.MapGet("/_gateway/routes", api.Routes);
        endpoints.MapGet("/_gateway/requests", api.Requests);
        if (gateway.GetService<DemoReceiver>() is { } receiver)
        {
            endpoints.Map(DemoMode.ReceiverPath + "{**path}", receiver.ReceiveAsync);
            endpoints.MapGet("/_gateway/demo", () => TypedResults.Ok(receiver.Received()));
        }
        var transform = endpoints.MapGroup("/_gateway/transforms/{name}");
        transform.MapGet("/source", api.Source);
        transform.MapGet("/fixtures", api.Fixtures);
        transform.MapPut("/source", api.SaveAsync).Audited("save");
        return endpoints;
    }

    public static IResult Page() => Results.Stream(OperatorPage.Open(), "text/html; charset=utf-8");

    public Ok<OperatorInfo> Info(HttpContext context)
    {
        var signedIn = context.Features.Get<ManagementActor>();
        return TypedResults.Ok(new OperatorInfo(CanSave(ManagementActor.Of(context)), demo is not null, signedIn is null ? null : OperatorUser.Of(signedIn)));
    }

    public Ok<IEnumerable<RouteView>> Routes() => TypedResults.Ok(proxy.GetRoutes()
        .OrderBy(r => r.Config.Order ?? 0).ThenBy(r => r.Config.RouteId)
        .Select(r => new RouteView(
            r.Config.RouteId, r.Config.Match.Path, r.Config.Match.Methods, r.Config.ClusterId, r.Config.RateLimiterPolicy, r.Config.AuthorizationPolicy,
            r.Config.GetTransformName(), r.Config.Metadata?.GetValueOrDefault(IngestRoute.DeliveryKey) ?? "Direct")));

    public Ok<IReadOnlyList<RecentRequests.Entry>> Requests() => TypedResults.Ok(recent.Snapshot());

    /// <summary>The script of the version serving (in Store mode the store's, which the file no longer is); without one, the file's.</summary>
    public Results<ContentHttpResult, ProblemHttpResult> Source(string name) =>
        catalog.ContentOf(name) is { } serving ? TypedResults.Text(serving.Script, "text/javascript")
            : PathOf(name) is { } path ? TypedResults.Text(File.ReadAllText(path), "text/javascript")
            : NotFound(name);

    /// <summary>The fixture cases of the version serving (or of the file beside the script), as the playground's samples.</summary>
    public Ok<IEnumerable<FixtureSample>> Fixtures(string name)
    {
        var path = Path.Combine(catalog.Directory, name + TransformFixtureFile.Suffix);
        var text = catalog.ContentOf(name) is { } serving ? serving.Fixtures
            : TransformCatalog.IsValidName(name) && File.Exists(path) ? File.ReadAllText(path)
            : null;
        return TypedResults.Ok(text is null
            ? []
            : TransformFixtureFile.Parse(text).Cases.Select(c => new FixtureSample(
                c.Name,
                new FixtureSample.SampleRequest(c.Request.Method, c.Request.Path, c.Request.Query, c.Request.Headers, c.Request.Params, Json(c.Request.Body)),
                Json(c.Settings))));
    }

    public async Task<Results<Ok<SavedTransform>, ProblemHttpResult>> SaveAsync(string name, string? message, HttpRequest request)
    {
        if (publisher.WhyNot is { } why)
        {
            return TypedResults.Problem(why, statusCode: StatusCodes.Status409Conflict, title: "Saving is off in a cluster that serves its files.",
                type: GatewayProblems.TypePrefix + GatewayProblems.PublishingOff);
        }

        if (!CanSave(ManagementActor.Of(request.HttpContext)))
        {
            // The sign-in already refused a signed-in identity below edit: what is left is a port without a sign-in.
            return TypedResults.Problem("Saving scripts needs a sign-in (Gateway:Management:Token, or Users with the role edit or admin).",
                statusCode: StatusCodes.Status403Forbidden, title: "Saving is off.", type: GatewayProblems.TypePrefix + GatewayProblems.Forbidden);
        }

        if (PathOf(name) is null)
        {
            return NotFound(name);
        }

        var script = await new StreamReader(request.Body).ReadToEndAsync(request.HttpContext.RequestAborted);
        // The same rule as a file edit (a version that does not load or fails its fixtures never replaces the live one),
        // and the same record as a publish: a version with its author.
        var outcome = await publisher.PublishAsync(name, script, fixtures: null, settings: null, ManagementActor.Of(request.HttpContext).Name,
            string.IsNullOrWhiteSpace(message) ? "Saved on the operator page" : message, VersionOrigin.Page, expectedLatest: null, request.HttpContext.RequestAborted);
        if (outcome is PublishOutcome.Published { Version: var published })
        {
            request.HttpContext.Items[AuditTrail.DetailKey] = $"version {published.Number}, sha256 {published.Sha256[..12]}";
        }

        return outcome switch
        {
            PublishOutcome.Published { Version: var version } => TypedResults.Ok(new SavedTransform(true, version.Sha256, version.Number)),
            PublishOutcome.Invalid { Report.Error: var error } => TypedResults.Problem(error!.ToString(), statusCode: StatusCodes.Status422UnprocessableEntity, title: "The script was not saved.",
                type: GatewayProblems.TypePrefix + GatewayProblems.TransformInvalid, extensions: new Dictionary<string, object?> { ["line"] = error.Line, ["column"] = error.Column }),
            _ => TransformVersionEndpoints.ProblemOf(outcome, ifMatch: string.Empty),
        };
    }

    /// <summary>A fixture's JSON member, or null where the fixture leaves it out.</summary>
    private static JsonNode? Json(JsonElement element) => element.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText());

    private string? PathOf(string name) =>
        TransformCatalog.IsValidName(name) && File.Exists(Path.Combine(catalog.Directory, name + ".js")) ? Path.Combine(catalog.Directory, name + ".js") : null;

    private static ProblemHttpResult NotFound(string name) => GatewayProblems.NotFoundResult($"No transform named '{name}'.", "Unknown transform.");
}
