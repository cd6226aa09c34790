using HaloIlertGateway.Ingest;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Observability;

/// <summary>Ready when every route's transform has a version serving; degraded when a newer file was refused.</summary>
internal sealed class TransformsReadyCheck(IProxyStateLookup proxy, TransformCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var needed = proxy.GetRoutes()
            .Select(route => route.Config.GetTransformName())
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var missing = needed.Where(name => !catalog.TryGet(name, out _)).ToList();
        if (missing.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"not serving: {string.Join(", ", missing)}"));
        }

        var refused = catalog.Status().Where(status => status.LastError is not null).Select(status => status.Name).ToList();
        return Task.FromResult(refused.Count > 0
            ? HealthCheckResult.Degraded($"{needed.Count} transforms serving; the latest file of {string.Join(", ", refused)} was refused")
            : HealthCheckResult.Healthy($"{needed.Count} transforms serving"));
    }
}
