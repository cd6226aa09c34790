using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Versions;

/// <summary>
/// Readiness with <see cref="TransformSource.Store"/>: Degraded until a replica has read the store, and while it cannot
/// (it keeps serving what it has). With <see cref="TransformSource.Files"/> the files serve and this is Healthy.
/// </summary>
internal sealed class TransformSourceCheck(IServiceProvider services, IOptions<TransformSourceOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(options.Value.Source != TransformSource.Store
            ? HealthCheckResult.Healthy("The transforms serve from their files.")
            : services.GetRequiredService<StoreTransformSource>().Problem is { } problem
                ? HealthCheckResult.Degraded(problem)
                : HealthCheckResult.Healthy("The transforms serving are the store's latest versions."));
}
