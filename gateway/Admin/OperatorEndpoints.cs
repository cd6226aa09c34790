using System.Text.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Fixtures;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Admin;

/// <summary>
/// The operator page (<c>GET /</c>) and what it needs beyond the transform and delivery endpoints: routes with
/// their policies, a transform's source and fixture requests (as playground samples), recent requests, and
/// saving an edited script (offered only when the management port is protected by a token).
/// </summary>
internal sealed class OperatorEndpoints(
    TransformCatalog catalog, TransformLoader loader, IProxyStateLookup proxy, RecentRequests recent, ManagementOptions management, IOptions<StoreOptions> store,
    DemoReceiver? demo = null)
{
    /// <summary>
    /// In a cluster (a shared store) every replica must serve the same version: transforms come from what all replicas
    /// mount (a ConfigMap), so saving on one replica is off.
    /// </summary>
    private bool InCluster => store.Value.Provider == StoreProvider.Postgres;

    private bool CanSave => management.Token is not null && !InCluster;

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

    public Ok<OperatorInfo> Info() => TypedResults.Ok(new OperatorInfo(CanSave, demo is not null));

    public Ok<IEnumerable<RouteView>> Routes() => TypedResults.Ok(proxy.GetRoutes()
        .OrderBy(r => r.Config.Order ?? 0).ThenBy(r => r.Config.RouteId)
        .Select(r => new RouteView(
            r.Config.RouteId, r.Config.Match.Path, r.Config.Match.Methods, r.Config.ClusterId, r.Config.RateLimiterPolicy, r.Config.AuthorizationPolicy,
            r.Config.GetTransformName(), r.Config.Metadata?.GetValueOrDefault(IngestRoute.DeliveryKey) ?? "Direct")));

    public Ok<IReadOnlyList<RecentRequests.Entry>> Requests() => TypedResults.Ok(recent.Snapshot());

    public Results<ContentHttpResult, ProblemHttpResult> Source(string name) =>
        PathOf(name) is { } path ? TypedResults.Text(File.ReadAllText(path), "text/javascript") : NotFound(name);

    public Ok<IEnumerable<FixtureSample>> Fixtures(string name)
    {
        var path = Path.Combine(catalog.Directory, name + TransformFixtureFile.Suffix);
        return TypedResults.Ok(!TransformCatalog.IsValidName(name) || !File.Exists(path)
            ? []
            : TransformFixtureFile.Load(path).Cases.Select(c => new FixtureSample(
                c.Name,
                new FixtureSample.SampleRequest(c.Request.Method, c.Request.Path, c.Request.Query, c.Request.Headers, c.Request.Params, Json(c.Request.Body)),
                Json(c.Settings))));
    }

    public async Task<Results<Ok<SavedTransform>, ProblemHttpResult>> SaveAsync(string name, HttpRequest request)
    {
        if (InCluster)
        {
            return TypedResults.Problem(
                "This gateway is one of several replicas (Gateway:Store:Provider Postgres): a script saved here would serve on this replica only. "
                + "Change the transform where every replica reads it (the ConfigMap or volume mounted at the transforms folder); each replica picks the change up within seconds.",
                statusCode: StatusCodes.Status409Conflict, title: "Saving is off in a cluster.");
        }

        if (!CanSave)
        {
            return TypedResults.Problem("Saving scripts needs a management token (Gateway:Management:Token).", statusCode: StatusCodes.Status403Forbidden, title: "Saving is off.");
        }

        if (PathOf(name) is not { } path)
        {
            return NotFound(name);
        }

        var script = await new StreamReader(request.Body).ReadToEndAsync(request.HttpContext.RequestAborted);
        var result = loader.Load(name, path, script);
        if (!result.CanActivate)
        {
            // The same rule as a file edit: a version that does not load or fails its fixtures never replaces the live one.
            return TypedResults.Problem(result.Error!.ToString(), statusCode: StatusCodes.Status422UnprocessableEntity, title: "The script was not saved.",
                extensions: new Dictionary<string, object?> { ["line"] = result.Error.Line, ["column"] = result.Error.Column });
        }

        await File.WriteAllTextAsync(path + ".saving", script);
        File.Move(path + ".saving", path, overwrite: true);
        request.HttpContext.Items[AuditTrail.DetailKey] = "sha256 " + result.Script!.Sha256[..12];
        return TypedResults.Ok(new SavedTransform(true, result.Script!.Sha256));
    }

    /// <summary>A fixture's JSON member, or null where the fixture leaves it out.</summary>
    private static JsonNode? Json(JsonElement element) => element.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText());

    private string? PathOf(string name) =>
        TransformCatalog.IsValidName(name) && File.Exists(Path.Combine(catalog.Directory, name + ".js")) ? Path.Combine(catalog.Directory, name + ".js") : null;

    private static ProblemHttpResult NotFound(string name) => GatewayProblems.NotFoundResult($"No transform named '{name}'.", "Unknown transform.");
}
