namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>Extra YARP routes for tests, added through configuration the way ops would add them to proxy.json.</summary>
public static class TestRoutes
{
    /// <summary>
    /// Adds route <paramref name="routeId"/>: POST <c>/api/v1/events/&lt;routeId&gt;/{integrationKey}</c> (ilert's
    /// alert-source URL shape, like every shipped route) through transform <paramref name="transform"/>.
    /// </summary>
    public static GatewayFactory WithTransformRoute(this GatewayFactory gateway, string routeId, string transform)
    {
        var prefix = $"ReverseProxy:Routes:{routeId}:";
        gateway.Settings[prefix + "ClusterId"] = "ilert";
        gateway.Settings[prefix + "Order"] = "1";
        gateway.Settings[prefix + "Match:Path"] = PathOf(routeId, "{integrationKey}");
        gateway.Settings[prefix + "Match:Methods:0"] = "POST";
        gateway.Settings[prefix + "Transforms:0:JsTransform"] = transform;
        return gateway;
    }

    public static string PathOf(string routeId, string integrationKey) => $"/api/v1/events/{routeId}/{integrationKey}";
}
