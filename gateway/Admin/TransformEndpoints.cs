using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Admin;

internal static class TransformEndpoints
{
    /// <summary>
    /// <c>GET /_gateway/transforms</c> (status of every transform), <c>GET /_gateway/transforms/{name}</c>, and
    /// <c>POST /_gateway/transforms/{name}/test</c> (run a payload through the live or a submitted script; forwards nothing).
    /// </summary>
    public static IEndpointRouteBuilder MapTransformEndpoints(this IEndpointRouteBuilder endpoints, IServiceProvider gateway)
    {
        var catalog = gateway.GetRequiredService<TransformCatalog>();
        var group = endpoints.MapGroup("/_gateway/transforms");
        group.MapGet("/", () => TypedResults.Ok(catalog.Status()));
        group.MapGet("/{name}", (string name) =>
            catalog.Status().FirstOrDefault(s => s.Name == name) is { } status ? Results.Ok(status) : NotFound(name));
        group.MapPost("/{name}/test", (string name, TransformTestRequest test) => Test(gateway, name, test));
        return endpoints;
    }

    private static IResult Test(IServiceProvider gateway, string name, TransformTestRequest test)
    {
        if (test.Request is null)
        {
            return TypedResults.Problem("The body needs a \"request\": { path, params, headers, body, ... }.", statusCode: StatusCodes.Status400BadRequest, title: "No request to run.");
        }

        var catalog = gateway.GetRequiredService<TransformCatalog>();
        CompiledTransform? script;
        int? version = null;
        if (test.Script is not null)
        {
            try
            {
                script = gateway.GetRequiredService<TransformLoader>().Compile(name, $"{name}.js (submitted)", test.Script);
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
        var settings = test.Settings.ValueKind == System.Text.Json.JsonValueKind.Object
            ? TransformSettingsProvider.FromJson(test.Settings)
            : gateway.GetRequiredService<TransformSettingsProvider>().Get(name);
        var secrets = test.Secrets ?? new Dictionary<string, string>();
        var context = TransformContext.For(test.Route ?? name, DateTimeOffset.UtcNow, settings, request.Params, secrets);
        var outcome = gateway.GetRequiredService<TransformRunner>().Run(script, request, context);
        return TypedResults.Ok(TransformRunReport.From(name, version, outcome));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string name) =>
        GatewayProblems.NotFoundResult($"No transform named '{name}' is loaded.", "Unknown transform.");
}
