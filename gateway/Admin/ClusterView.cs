using HaloIlertGateway.Delivery;

namespace HaloIlertGateway.Admin;

/// <summary>The cluster as the management port shows it: the store, this replica, every replica's heartbeat, and the running leases.</summary>
internal sealed record ClusterView(string Store, string Self, IReadOnlyList<ReplicaStatus> Replicas, IReadOnlyList<Lease> Leases);
