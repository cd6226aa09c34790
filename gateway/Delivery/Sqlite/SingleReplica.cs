namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary>One gateway per SQLite file: the cluster is this process.</summary>
internal sealed class SingleReplica(ReplicaIdentity replica, TimeProvider time) : IReplicaDirectory
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public Task<IReadOnlyList<ReplicaStatus>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReplicaStatus>>([new ReplicaStatus(replica.Name, _started, time.GetUtcNow(), Alive: true, Self: true)]);
}
