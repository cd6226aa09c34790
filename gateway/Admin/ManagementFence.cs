using HaloIlertGateway.Http;
using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace HaloIlertGateway.Admin;

/// <summary>
/// On the public port, <c>/_gateway</c> and everything under it is a 404 problem: never forwarded to ilert, never
/// served. The path is judged as a lenient server behind ilert's edge might read it (<see cref="PathSegments"/>), in any
/// case. So <c>/_gateway%2Finfo</c>, <c>//_gateway/info</c> and <c>/_gateway;/info</c> are fenced as well.
/// </summary>
internal static class ManagementFence
{
    private const string Prefix = "_gateway";

    public static IApplicationBuilder UseManagementFence(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (IsManagementPath(context.Request.Path.Value) || IsManagementPath(raw))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, GatewayProblems.NotFound, "Not found.");
            return;
        }

        await next(context);
    });

    /// <summary>Whether <paramref name="target"/> (a path, or a request target with a query) names <c>/_gateway</c> in any spelling.</summary>
    public static bool IsManagementPath(string? target)
    {
        if (string.IsNullOrEmpty(target) || !target.Contains('_', StringComparison.Ordinal) && !target.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        var segments = PathSegments.Of(target);
        return segments.Count > 0 && string.Equals(segments[0], Prefix, StringComparison.OrdinalIgnoreCase);
    }
}
