using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Postgres;
using HaloIlertGateway.Security;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>The store contract on PostgreSQL (a throwaway server, a database per test), plus what a shared database adds.</summary>
public sealed class PostgresOutboxTests : OutboxContract
{
    private string? _connectionString;

    private protected override StoreUnderTest Open(bool reopen, DeliveryOptions options)
    {
        if (!reopen || _connectionString is null)
        {
            _connectionString = PostgresServer.GetAsync().GetAwaiter().GetResult().CreateDatabaseAsync().GetAwaiter().GetResult();
        }

        var database = PostgresServer.OpenAsReplica(_connectionString);
        var outbox = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(options));
        return new StoreUnderTest(outbox, new PostgresDeadLetterStore(database, Options.Create(options)), database, new Handle(outbox, database));
    }

    [Fact]
    public async Task ReplicasStartingTogetherMigrateOnce()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var replicas = Enumerable.Range(0, 4).Select(_ => PostgresServer.OpenAsReplica(connectionString)).ToList();

        var versions = await Task.WhenAll(replicas.Select(replica => replica.VersionAsync(CancellationToken.None)));

        Assert.All(versions, version => Assert.Equal(PostgresDatabase.SchemaVersion, version));
        replicas.ForEach(replica => replica.Dispose());
    }

    [Fact]
    public async Task ADatabaseOfVersion3GetsExactlyOneHeadPerAlertWhenMigrated()
    {
        // Events stored by a replica of version 3: no is_head yet.
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using (var connection = new Npgsql.NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            var sql = string.Join(";\n", PostgresDatabase.Migrations.Take(3)) + """
                ;
                CREATE TABLE gateway_schema (version INT NOT NULL);
                INSERT INTO gateway_schema (version) VALUES (1), (2), (3);
                INSERT INTO outbox (route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, next_attempt_at)
                SELECT 'halopsa', 'ilert', 'alert-' || (n % 3), 'key', 'POST', '/api/events', '{}', '\x7b7d', 0, 0 FROM generate_series(1, 7) n;
                """;
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        using var database = PostgresServer.OpenAsReplica(connectionString);
        var outbox = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(new DeliveryOptions()));

        // Ids 1 to 7 of alerts 1, 2, 0, 1, 2, 0, 1: the heads are 1, 2 and 3, and 4 follows 1.
        Assert.Equal([1L, 2, 3], (await outbox.DueAsync(DateTimeOffset.UnixEpoch, 10, DueFilter.Any, CancellationToken.None)).Select(m => m.Id));
        await outbox.RemoveAsync(1, CancellationToken.None);
        Assert.Equal([2L, 3, 4], (await outbox.DueAsync(DateTimeOffset.UnixEpoch, 10, DueFilter.Any, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(PostgresDatabase.SchemaVersion, await database.VersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OnlyOneReplicaWinsTheClaimOnAnEvent()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        using var first = PostgresServer.OpenAsReplica(connectionString);
        using var second = PostgresServer.OpenAsReplica(connectionString);
        var options = Options.Create(new DeliveryOptions());
        var (a, b) = (new PostgresOutbox(first, new ReplicaIdentity(), options), new PostgresOutbox(second, new ReplicaIdentity(), options));
        var now = DateTimeOffset.UtcNow;
        var ids = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await a.EnqueueAsync(new OutboxMessage(0, "halopsa", "ilert", $"alert-{i}", "key", "POST", "/api/events", new Dictionary<string, string>(), [], now), null, CancellationToken.None)).Id);
        }

        // All at once: the claims wait on the database, not on threads of their own.
        var wins = await Task.WhenAll(Enumerable.Range(0, ids.Count * 2).Select(i => (i % 2 == 0 ? a : b).TryClaimAsync(ids[i / 2], now, now.AddSeconds(30), CancellationToken.None)));

        Assert.Equal(20, wins.Count(won => won));
    }

    [Fact]
    public async Task TheConnectionStringsPasswordIsASecretTheLogsNeverShow()
    {
        var server = await PostgresServer.GetAsync();
        var secrets = new SecretStore(TimeProvider.System);
        var file = Path.Combine(TestFolders.Create("pg-secret-"), "connection");
        File.WriteAllText(file, server.ConnectionString("postgres") + ";Password=pg-s3cret-never-logged");
        using var database = new PostgresDatabase(Options.Create(new StoreOptions { Provider = StoreProvider.Postgres, ConnectionString = "file:" + file }), secrets, NullLogger<PostgresDatabase>.Instance);

        Assert.Contains("pg-s3cret-never-logged", secrets.KnownValues);
        Assert.DoesNotContain("pg-s3cret", database.Target, StringComparison.Ordinal);
    }

    /// <summary>The outbox's group commit stopped first, then the database it writes to.</summary>
    private sealed class Handle(PostgresOutbox outbox, PostgresDatabase database) : IDisposable
    {
        public void Dispose()
        {
            outbox.Dispose();
            database.Dispose();
        }
    }
}
