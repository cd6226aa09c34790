using HaloIlertGateway.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaloIlertGateway.Observability;

/// <summary>Ready when the outbox database takes a write lock (the disk is there and writable).</summary>
internal sealed class OutboxWritableCheck(IOutbox store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            store.CheckWritable();
            return Task.FromResult(HealthCheckResult.Healthy("outbox writable"));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the outbox cannot be written", ex));
        }
    }
}
