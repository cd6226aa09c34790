using HaloIlertGateway.Delivery;
using OpenTelemetry.Resources;

namespace HaloIlertGateway.Observability;

/// <summary>
/// Which replica every metric comes from: <c>service.instance.id</c> is the replica's name (as in leases and
/// heartbeats). OTLP carries it on every metric; Prometheus shows it on <c>target_info</c>.
/// </summary>
internal sealed class ReplicaResource(ReplicaIdentity replica) : IResourceDetector
{
    public Resource Detect() => new([
        new KeyValuePair<string, object>("service.name", "HaloIlertGateway"),
        new KeyValuePair<string, object>("service.instance.id", replica.Name),
    ]);
}
