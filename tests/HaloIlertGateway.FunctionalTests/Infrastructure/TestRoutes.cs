namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>Extra YARP routes for tests, added through configuration the way ops would add them to proxy.json.</summary>
public static class TestRoutes
{
    /// <summary>
    /// Adds route <paramref name="routeId"/>: POST <c>/api/v1/events/&lt;routeId&gt;/{integrationKey}</c> (ilert's
    /// alert-source URL shape, like every shipped route) through transform <paramref name="transform"/>. Durable, as
    /// every shipped alert route is; <paramref name="direct"/> only for a test about the direct path.
    /// </summary>
    public static GatewayFactory WithTransformRoute(this GatewayFactory gateway, string routeId, string transform, bool direct = false)
    {
        foreach (var (key, value) in TransformRoute(routeId, transform, direct))
        {
            gateway.Settings[key] = value;
        }

        return gateway;
    }

    /// <summary>The configuration of such a route, as keys and values.</summary>
    public static IEnumerable<KeyValuePair<string, string>> TransformRoute(string routeId, string transform, bool direct = false)
    {
        var prefix = $"ReverseProxy:Routes:{routeId}:";
        yield return new(prefix + "ClusterId", "ilert");
        yield return new(prefix + "Order", "1");
        yield return new(prefix + "Match:Path", PathOf(routeId, "{integrationKey}"));
        yield return new(prefix + "Match:Methods:0", "POST");
        yield return new(prefix + "Transforms:0:JsTransform", transform);
        if (!direct)
        {
            yield return new(prefix + "Metadata:Delivery", "Durable");
        }
    }

    /// <summary>The same route as command-line arguments of a <see cref="GatewayProcess"/>.</summary>
    public static string[] TransformRouteArguments(string routeId, string transform) =>
        [.. TransformRoute(routeId, transform).Select(pair => $"--{pair.Key}={pair.Value}")];

    public static string PathOf(string routeId, string integrationKey) => $"/api/v1/events/{routeId}/{integrationKey}";
}
