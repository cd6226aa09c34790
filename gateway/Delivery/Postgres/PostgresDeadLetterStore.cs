using System.Text.Json;
using Npgsql;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary><see cref="IDeadLetterStore"/> in the cluster's PostgreSQL database, beside the outbox.</summary>
internal sealed class PostgresDeadLetterStore(PostgresDatabase db) : IDeadLetterStore
{
    private const string Columns = StoreRows.DeadLetterColumns;

    public long Add(DeadLetter deadLetter)
    {
        using var connection = db.Open();
        return Insert(connection, null, deadLetter);
    }

    public DeadLetter? Get(long id)
    {
        using var connection = db.Open();
        return StoreRows.Query(connection, null, $"SELECT {Columns} FROM dead_letters WHERE id = @id", StoreRows.DeadLetter, ("id", id)).FirstOrDefault();
    }

    public IReadOnlyList<DeadLetter> List(int limit)
    {
        using var connection = db.Open();
        return StoreRows.Query(connection, null, $"SELECT {Columns} FROM dead_letters ORDER BY id LIMIT @limit", StoreRows.DeadLetter, ("limit", limit));
    }

    public long Count()
    {
        using var connection = db.Open();
        return StoreRows.Scalar<long>(connection, null, "SELECT COUNT(*) FROM dead_letters");
    }

    public bool Delete(long id)
    {
        using var connection = db.Open();
        return StoreRows.Execute(connection, null, "DELETE FROM dead_letters WHERE id = @id", ("id", id)) == 1;
    }

    public void UpdateReason(long id, string reason, DateTimeOffset now)
    {
        using var connection = db.Open();
        StoreRows.Execute(connection, null, "UPDATE dead_letters SET reason = @reason, dead_at = @now, attempts = attempts + 1 WHERE id = @id",
            ("reason", reason), ("now", now.ToUnixTimeMilliseconds()), ("id", id));
    }

    public long Requeue(DeadLetter deadLetter, DateTimeOffset now)
    {
        using var connection = db.Open();
        using var transaction = connection.BeginTransaction();
        var message = deadLetter.ToMessage(now);
        StoreRows.Execute(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", ("key", "alert:" + message.OrderingKey));
        var id = PostgresOutbox.Insert(connection, transaction, message);
        StoreRows.Execute(connection, transaction, "DELETE FROM dead_letters WHERE id = @id", ("id", deadLetter.Id));
        transaction.Commit();
        return id;
    }

    internal static long Insert(NpgsqlConnection connection, NpgsqlTransaction? transaction, DeadLetter d) => StoreRows.Scalar<long>(connection, transaction, """
        INSERT INTO dead_letters (kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status)
        VALUES (@kind, @reason, @route, @cluster, @ordering, @pacing, @method, @path, @headers, @body, @values, @created, @dead, @attempts, @status)
        RETURNING id
        """,
        ("kind", d.Kind), ("reason", d.Reason), ("route", d.Route), ("cluster", d.Cluster), ("ordering", d.OrderingKey), ("pacing", d.PacingKey),
        ("method", d.Method), ("path", d.PathAndQuery), ("headers", JsonSerializer.Serialize(d.Headers)), ("body", d.Body),
        ("values", JsonSerializer.Serialize(d.RouteValues)), ("created", d.CreatedAt.ToUnixTimeMilliseconds()), ("dead", d.DeadAt.ToUnixTimeMilliseconds()),
        ("attempts", d.Attempts), ("status", d.LastStatus));
}
