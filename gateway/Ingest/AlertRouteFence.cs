using HaloIlertGateway.Http;
using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Nothing under a transform route's path reaches ilert by another route. A request whose path, read leniently
/// (<see cref="PathSegments"/>, also its raw target), falls under a transform route's literal prefix (for HaloPSA
/// <c>/api/v1/events/halopsa/</c>) but that the route itself did not match gets 405 (the route's path with another
/// method) or 404 (an extra or empty segment, an encoded slash, a dot segment): never the passthrough, which would
/// carry it to ilert without the route's checks, signature or transform.
/// </summary>
internal static class AlertRouteFence
{
    private static volatile Prefixes? _cache;

    public static IApplicationBuilder UseAlertRouteFence(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.GetTransformName() is null
            && Guarding(context, context.RequestServices.GetRequiredService<IProxyStateLookup>()) is { } route)
        {
            var methods = route.Match.Methods ?? [];
            if (methods.Count > 0 && IsRouteShaped(context.Request.Path.Value ?? string.Empty, route))
            {
                context.Response.Headers.Allow = string.Join(", ", methods);
                await GatewayProblems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, GatewayProblems.MethodNotAllowed, "Method not allowed.",
                    $"This path takes {string.Join(", ", methods)} only.");
                return;
            }

            await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, GatewayProblems.NotFound, "Not found.",
                $"Nothing under this path is forwarded but {string.Join(", ", methods.DefaultIfEmpty("requests"))} to {route.Match.Path}.");
            return;
        }

        await next(context);
    });

    /// <summary>The transform route whose prefix the request's path falls under, if any.</summary>
    private static RouteConfig? Guarding(HttpContext context, IProxyStateLookup lookup)
    {
        var prefixes = PrefixesOf(lookup);
        if (prefixes.Routes.Count == 0)
        {
            return null;
        }

        var path = PathSegments.Of(context.Request.Path.Value ?? string.Empty);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { } target ? PathSegments.Of(target) : path;
        foreach (var (route, prefix) in prefixes.Routes)
        {
            if (PathSegments.StartWith(path, prefix) || PathSegments.StartWith(raw, prefix))
            {
                return route;
            }
        }

        return null;
    }

    /// <summary>The path is the route's template with one plain segment for each parameter: only the method can have missed.</summary>
    private static bool IsRouteShaped(string path, RouteConfig route)
    {
        var template = (route.Match.Path ?? string.Empty).Split('/');
        var parts = path.Split('/');
        if (parts.Length != template.Length || path.Contains('%', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            var literal = !template[i].Contains('{', StringComparison.Ordinal);
            if (literal ? !string.Equals(parts[i], template[i], StringComparison.OrdinalIgnoreCase) : parts[i].Length == 0 || parts[i] is "." or "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The transform routes' literal prefixes, worked out again only when the routes change.</summary>
    private static Prefixes PrefixesOf(IProxyStateLookup lookup)
    {
        var configs = lookup.GetRoutes().Select(model => model.Config).Where(config => config.GetTransformName() is not null).ToArray();
        var cached = _cache;
        if (cached is not null && cached.Configs.Length == configs.Length && cached.Configs.Zip(configs).All(pair => ReferenceEquals(pair.First, pair.Second)))
        {
            return cached;
        }

        var routes = configs
            .Select(config => (config, (IReadOnlyList<string>)PathSegments.Of((config.Match.Path ?? string.Empty).Split('{')[0])))
            .Where(pair => pair.Item2.Count > 0)
            .ToList();
        return _cache = new Prefixes(configs, routes);
    }

    private sealed record Prefixes(RouteConfig[] Configs, IReadOnlyList<(RouteConfig Route, IReadOnlyList<string> Prefix)> Routes);
}
