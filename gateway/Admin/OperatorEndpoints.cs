using System.Text.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Fixtures;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Admin;

internal static class OperatorEndpoints
{
    /// <summary>
    /// The operator page (<c>GET /</c>) and what it needs beyond the transform and delivery endpoints: routes with
    /// their policies, a transform's source and fixture requests (as playground samples), recent requests, and
    /// saving an edited script (offered only when the management port is protected by a token).
    /// </summary>
    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder endpoints, IServiceProvider gateway, ManagementOptions management)
    {
        var catalog = gateway.GetRequiredService<TransformCatalog>();
        var proxy = gateway.GetRequiredService<IProxyStateLookup>();
        var recent = gateway.GetRequiredService<RecentRequests>();
        var canSave = management.Token is not null;

        endpoints.MapGet("/", () => Results.Stream(OperatorPage.Open(), "text/html; charset=utf-8"));
        endpoints.MapGet("/_gateway/info", () => TypedResults.Ok(new { canSave }));
        endpoints.MapGet("/_gateway/routes", () => TypedResults.Ok(proxy.GetRoutes().OrderBy(r => r.Config.Order ?? 0).ThenBy(r => r.Config.RouteId).Select(r => new
        {
            r.Config.RouteId,
            Path = r.Config.Match.Path,
            r.Config.Match.Methods,
            r.Config.ClusterId,
            r.Config.RateLimiterPolicy,
            r.Config.AuthorizationPolicy,
            Transform = r.Config.GetTransformName(),
            Delivery = r.Config.Metadata?.GetValueOrDefault(IngestRoute.DeliveryKey) ?? "Direct",
        })));
        endpoints.MapGet("/_gateway/requests", () => TypedResults.Ok(recent.Snapshot()));

        var transform = endpoints.MapGroup("/_gateway/transforms/{name}");
        transform.MapGet("/source", (string name) =>
            Source(catalog, name) is { } path ? Results.Text(File.ReadAllText(path), "text/javascript") : NotFound(name));
        transform.MapGet("/fixtures", (string name) =>
        {
            var path = Path.Combine(catalog.Directory, name + TransformFixtureFile.Suffix);
            return File.Exists(path)
                ? Results.Ok(TransformFixtureFile.Load(path).Cases.Select(c => new
                {
                    c.Name,
                    Request = new { c.Request.Method, c.Request.Path, c.Request.Query, c.Request.Headers, c.Request.Params, Body = Json(c.Request.Body) },
                    Settings = Json(c.Settings),
                }))
                : Results.Ok(Array.Empty<object>());
        });
        transform.MapPut("/source", async (string name, HttpRequest request) =>
        {
            if (!canSave)
            {
                return TypedResults.Problem("Saving scripts needs a management token (Gateway:Management:Token).", statusCode: StatusCodes.Status403Forbidden, title: "Saving is off.");
            }

            if (Source(catalog, name) is not { } path)
            {
                return NotFound(name);
            }

            var script = await new StreamReader(request.Body).ReadToEndAsync();
            var result = gateway.GetRequiredService<TransformLoader>().Load(name, path, script);
            if (!result.CanActivate)
            {
                // The same rule as a file edit: a version that does not load or fails its fixtures never replaces the live one.
                return TypedResults.Problem(result.Error!.ToString(), statusCode: StatusCodes.Status422UnprocessableEntity, title: "The script was not saved.",
                    extensions: new Dictionary<string, object?> { ["line"] = result.Error.Line, ["column"] = result.Error.Column });
            }

            await File.WriteAllTextAsync(path + ".saving", script);
            File.Move(path + ".saving", path, overwrite: true);
            return Results.Ok(new { saved = true, sha256 = result.Script!.Sha256 });
        });
        return endpoints;
    }

    /// <summary>A fixture's JSON member, or null where the fixture leaves it out.</summary>
    private static JsonNode? Json(JsonElement element) => element.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText());

    private static string? Source(TransformCatalog catalog, string name) =>
        TransformCatalog.IsValidName(name) && File.Exists(Path.Combine(catalog.Directory, name + ".js")) ? Path.Combine(catalog.Directory, name + ".js") : null;

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string name) =>
        GatewayProblems.NotFoundResult($"No transform named '{name}'.", "Unknown transform.");
}
