using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Observability;

/// <summary>Ready when YARP has applied a valid configuration (an invalid reload keeps the previous one).</summary>
internal sealed class ProxyConfigCheck(IProxyStateLookup proxy) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var routes = proxy.GetRoutes().Count();
        return Task.FromResult(routes > 0 ? HealthCheckResult.Healthy($"{routes} routes") : HealthCheckResult.Unhealthy("no routes loaded"));
    }
}
