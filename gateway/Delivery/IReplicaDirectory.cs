namespace HaloIlertGateway.Delivery;

/// <summary>The gateway processes sharing the store: this one alone on SQLite, every replica's heartbeat on PostgreSQL.</summary>
internal interface IReplicaDirectory
{
    Task<IReadOnlyList<ReplicaStatus>> ListAsync(CancellationToken cancellationToken);
}
