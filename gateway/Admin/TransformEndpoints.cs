using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HaloIlertGateway.Admin;

/// <summary>
/// <c>GET /_gateway/transforms</c> (status of every transform), <c>GET /_gateway/transforms/{name}</c>, and
/// <c>POST /_gateway/transforms/{name}/test</c> (run a payload through the live or a submitted script; forwards nothing).
/// </summary>
internal sealed class TransformEndpoints(TransformCatalog catalog, TransformLoader loader, TransformRunner runner, TransformSettingsProvider settings, TimeProvider time)
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, IServiceProvider gateway)
    {
        var api = ActivatorUtilities.CreateInstance<TransformEndpoints>(gateway);
        var group = endpoints.MapGroup("/_gateway/transforms");
        group.MapGet("/", api.List);
        group.MapGet("/{name}", api.Get);
        group.MapPost("/{name}/test", api.Test);
        return endpoints;
    }

    public Ok<IReadOnlyList<TransformStatus>> List() => TypedResults.Ok(catalog.Status());

    /// <summary>The status of one transform; its ETag is the serving version's number (the <c>If-Match</c> of a publish).</summary>
    public Results<Ok<TransformStatus>, ProblemHttpResult> Get(string name, HttpResponse response)
    {
        if (catalog.Status().FirstOrDefault(s => s.Name == name) is not { } status)
        {
            return NotFound(name);
        }

        if (status.Serving)
        {
            response.Headers.ETag = TransformVersionEndpoints.ETagOf(status.Version);
        }

        return TypedResults.Ok(status);
    }

    public Results<Ok<TransformRunReport>, ProblemHttpResult> Test(string name, TransformTestRequest test)
    {
        if (test.Request is null)
        {
            return TypedResults.Problem("The body needs a \"request\": { path, params, headers, body, ... }.", statusCode: StatusCodes.Status400BadRequest, title: "No request to run.");
        }

        CompiledTransform? script;
        int? version = null;
        if (test.Script is not null)
        {
            try
            {
                script = loader.Compile(name, $"{name}.js (submitted)", test.Script);
            }
            catch (TransformCompilationException ex)
            {
                return TypedResults.Ok(new TransformRunReport("failed", name, null, null, null, new("compile", ex.Reason, null, ex.Line, ex.Column), [], 0));
            }
        }
        else if (catalog.TryGet(name, out script))
        {
            version = catalog.Status().FirstOrDefault(s => s.Name == name)?.Version;
        }
        else
        {
            return NotFound(name);
        }

        var request = test.Request.ToTransformRequest();
        var settingsJson = test.Settings.ValueKind == System.Text.Json.JsonValueKind.Object ? TransformSettingsProvider.FromJson(test.Settings) : settings.Get(name);
        var context = TransformContext.For(test.Route ?? name, time.GetUtcNow(), settingsJson, request.Params, test.Secrets);
        return TypedResults.Ok(TransformRunReport.From(name, version, runner.Run(script, request, context)));
    }

    private static ProblemHttpResult NotFound(string name) => GatewayProblems.NotFoundResult($"No transform named '{name}' is loaded.", "Unknown transform.");
}
