using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaloIlertGateway.Versions;

/// <summary>Readiness: Degraded while a replica serving from the store cannot read it (it keeps serving what it has).</summary>
internal sealed class TransformSourceCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(services.GetService<StoreTransformSource>()?.Problem is { } problem
            ? HealthCheckResult.Degraded(problem)
            : HealthCheckResult.Healthy("The transforms serving are the store's latest versions, or the files'."));
}
