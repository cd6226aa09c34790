using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace HaloIlertGateway.Admin;

/// <summary>
/// On the public port, <c>/_gateway</c> and everything under it is a 404 problem: never forwarded to ilert, never
/// served. The path is judged as a lenient server behind ilert's edge might read it, not as Kestrel matched it:
/// percent-decoded (twice), backslashes as slashes, empty and dot segments resolved, <c>;parameters</c> cut, any case.
/// So <c>/_gateway%2Finfo</c>, <c>//_gateway/info</c> and <c>/_gateway;/info</c> are fenced as well.
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

        var path = target.Split('?', '#')[0];
        path = Uri.UnescapeDataString(Uri.UnescapeDataString(path)).Replace('\\', '/');
        var segments = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = part.Split(';')[0].Trim();
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment is not ("." or ""))
            {
                segments.Add(segment);
            }
        }

        return segments.Count > 0 && string.Equals(segments[0], Prefix, StringComparison.OrdinalIgnoreCase);
    }
}
