using HaloIlertGateway.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaloIlertGateway.Observability;

/// <summary>Ready when the outbox takes an event-sized write (the disk is there and has room; the shared database answers).</summary>
internal sealed class OutboxWritableCheck(IOutbox store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            store.CheckWritable();
            return Task.FromResult(HealthCheckResult.Healthy("outbox writable"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the outbox cannot be written", ex));
        }
    }
}
