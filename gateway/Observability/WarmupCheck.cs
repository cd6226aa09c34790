using HaloIlertGateway.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaloIlertGateway.Observability;

/// <summary>Not ready until the start-up warm-up has finished or run out of its (bounded) time.</summary>
internal sealed class WarmupCheck(StartupWarmup warmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmup.IsComplete ? HealthCheckResult.Healthy("warm") : HealthCheckResult.Unhealthy("warming up"));
}
