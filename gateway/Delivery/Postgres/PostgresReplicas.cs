using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// Heartbeats in the shared database: every replica writes its row every <see cref="Beat"/> (by the database's clock)
/// and removes it when it stops; one not heard of for three beats is listed as not alive (a replica killed leaves its
/// row; it is forgotten after an hour). Runs only when the store is PostgreSQL; a beat that fails is tried at the next.
/// </summary>
internal sealed class PostgresReplicas(IServiceProvider services, ReplicaIdentity replica, IOptions<StoreOptions> store, TimeProvider time) : BackgroundService, IReplicaDirectory
{
    public static readonly TimeSpan Beat = TimeSpan.FromSeconds(5);

    private const string NowMs = PostgresDatabase.NowMs;

    private PostgresDatabase Database => services.GetRequiredService<PostgresDatabase>();

    public async Task<IReadOnlyList<ReplicaStatus>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var now = await StoreSql.ScalarAsync<long>(connection, null, "SELECT " + NowMs, cancellationToken);
        return await StoreSql.QueryAsync(connection, null, "SELECT id, started_at, seen_at FROM replicas ORDER BY started_at",
            r => new ReplicaStatus(
                r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
                Alive: now - r.GetInt64(2) <= 3 * Beat.TotalMilliseconds, Self: r.GetString(0) == replica.Name), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store.Value.Provider != StoreProvider.Postgres)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await TryRunAsync($"""
                    INSERT INTO replicas (id, started_at, seen_at) VALUES (@id, {NowMs}, {NowMs})
                    ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at;
                    DELETE FROM replicas WHERE seen_at < {NowMs} - 3600000;
                    """, stoppingToken);
                await Task.Delay(Beat, time, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        // Stopping: the host's token is cancelled already, and the row should still go.
        await TryRunAsync("DELETE FROM replicas WHERE id = @id", CancellationToken.None);
    }

    private async Task TryRunAsync(string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await Database.OpenAsync(cancellationToken);
            await StoreSql.ExecuteAsync(connection, null, sql, cancellationToken, ("id", replica.Name));
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The database is down: readiness and the alert routes say so; the next beat tries again.
        }
    }
}
