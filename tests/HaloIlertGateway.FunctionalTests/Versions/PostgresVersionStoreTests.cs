using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Postgres;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Versions;

/// <summary>The version store contract on PostgreSQL: a database per test, each replica its own connection pool.</summary>
public sealed class PostgresVersionStoreTests : VersionStoreContract, IDisposable
{
    private readonly Lazy<string> _connectionString = new(() => PostgresServer.GetAsync().GetAwaiter().GetResult().CreateDatabaseAsync().GetAwaiter().GetResult());
    private readonly List<PostgresDatabase> _replicas = [];

    private protected override IStoreDatabase OpenReplica()
    {
        var replica = PostgresServer.OpenAsReplica(_connectionString.Value);
        _replicas.Add(replica);
        return replica;
    }

    public void Dispose() => _replicas.ForEach(replica => replica.Dispose());
}
