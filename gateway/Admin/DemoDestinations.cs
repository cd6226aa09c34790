using Yarp.ReverseProxy.Configuration;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Demo mode's seal on the way out: every destination of every cluster, at start and at every reload of proxy.json
/// (a destination added or renamed while the demo runs included), is the local receiver. Neither the forwarder nor
/// durable delivery, which both read YARP's clusters, can reach anything else.
/// </summary>
internal sealed class DemoDestinations(DemoReceiver receiver) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        var address = receiver.Address.ToString();
        return ValueTask.FromResult(cluster with
        {
            Destinations = cluster.Destinations?.ToDictionary(
                destination => destination.Key,
                destination => destination.Value with { Address = address, Health = null, Host = null },
                StringComparer.OrdinalIgnoreCase),
            // Active health probes would go to the destinations' own health addresses: none in a demo.
            HealthCheck = cluster.HealthCheck is { } health ? health with { Active = null } : null,
        });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) => ValueTask.FromResult(route);
}
