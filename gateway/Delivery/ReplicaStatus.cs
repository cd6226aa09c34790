namespace HaloIlertGateway.Delivery;

/// <summary>A gateway process of the cluster: when it started and was last heard of (a heartbeat every few seconds).</summary>
internal sealed record ReplicaStatus(string Id, DateTimeOffset StartedAt, DateTimeOffset SeenAt, bool Alive, bool Self);
