using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Yarp.ReverseProxy.Model;

namespace HaloIlertGateway.RateLimiting;

/// <summary>
/// <see cref="RateLimitingOptions.ClientPolicy"/> applied to the routes it is for: those whose own policy partitions by
/// a value the client chooses (<c>route:</c>, <c>header:</c>). Partitioned by the client's address (after forwarded
/// headers from trusted proxies); every other route passes unlimited here and meets only its own policy.
/// </summary>
internal sealed class ClientRateLimiter(RateLimitPolicies policies)
{
    public RateLimitPartition<string> GetPartition(HttpContext context) =>
        policies.ClientPolicy is { } client && ChoosesItsPartition(context)
            ? Policy(client).GetPartition(context)
            : RateLimitPartition.GetNoLimiter(string.Empty);

    public ValueTask OnRejected(OnRejectedContext context, CancellationToken cancellationToken) =>
        policies.ClientPolicy is { } client && Policy(client).OnRejected is { } reject ? reject(context, cancellationToken) : ValueTask.CompletedTask;

    private ConfiguredRateLimiterPolicy Policy(string name) => new(name, policies);

    private bool ChoosesItsPartition(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RateLimiterPolicy is { } own
        && policies.Get(own).Policy?.PartitionBy is { } partition
        && (partition.StartsWith("route:", StringComparison.Ordinal) || partition.StartsWith("header:", StringComparison.Ordinal));
}
