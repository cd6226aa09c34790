using Microsoft.Extensions.Diagnostics.HealthChecks;
using HaloIlertGateway.Hosting;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Observability;

/// <summary>
/// Ready when YARP serves routes; Degraded while the latest change to the routing file was refused (it did not parse
/// or validate), which leaves the previously applied configuration serving.
/// </summary>
internal sealed class ProxyConfigCheck(IProxyStateLookup proxy, ProxyConfigStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var routes = proxy.GetRoutes().Count();
        return Task.FromResult(
            routes == 0 ? HealthCheckResult.Unhealthy("no routes loaded")
            : status.RefusedBecause is { } reason ? HealthCheckResult.Degraded($"serving the configuration loaded at {status.AppliedAt:u}; the latest change was refused: {reason}")
            : HealthCheckResult.Healthy($"{routes} routes"));
    }
}
