using Yarp.ReverseProxy.Configuration;

namespace HaloIlertGateway.Ingest;

/// <summary>A route's ingest settings, read in one place (as YARP reads its own transform keys).</summary>
internal static class RouteConfigIngestExtensions
{
    /// <summary>The transform a route runs (<c>"JsTransform": "&lt;name&gt;"</c>), or null for a plain proxy route.</summary>
    public static string? GetTransformName(this RouteConfig route)
    {
        foreach (var transform in route.Transforms ?? [])
        {
            if (transform.TryGetValue(IngestTransformFactory.Key, out var name))
            {
                return name;
            }
        }

        return null;
    }
}
