using HaloIlertGateway.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaloIlertGateway.Observability;

/// <summary>Ready when the outbox takes an event-sized write (the disk is there and has room; the shared database answers).</summary>
internal sealed class OutboxWritableCheck(IOutbox store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckWritableAsync(cancellationToken);
            return HealthCheckResult.Healthy("outbox writable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the outbox cannot be written", ex);
        }
    }
}
