using System.Text.Json;
using Npgsql;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary><see cref="IDeadLetterStore"/> in the cluster's PostgreSQL database, beside the outbox.</summary>
internal sealed class PostgresDeadLetterStore(PostgresDatabase db) : IDeadLetterStore
{
    private const string Columns = "id, kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status";

    public long Add(DeadLetter deadLetter)
    {
        using var connection = db.Open();
        return Insert(connection, null, deadLetter);
    }

    public DeadLetter? Get(long id)
    {
        using var connection = db.Open();
        return PostgresDatabase.Query(connection, null, $"SELECT {Columns} FROM dead_letters WHERE id = @id", Read, ("id", id)).FirstOrDefault();
    }

    public IReadOnlyList<DeadLetter> List(int limit)
    {
        using var connection = db.Open();
        return PostgresDatabase.Query(connection, null, $"SELECT {Columns} FROM dead_letters ORDER BY id LIMIT @limit", Read, ("limit", limit));
    }

    public long Count()
    {
        using var connection = db.Open();
        return PostgresDatabase.Scalar<long>(connection, null, "SELECT COUNT(*) FROM dead_letters");
    }

    public bool Delete(long id)
    {
        using var connection = db.Open();
        return PostgresDatabase.Execute(connection, null, "DELETE FROM dead_letters WHERE id = @id", ("id", id)) == 1;
    }

    public void UpdateReason(long id, string reason, DateTimeOffset now)
    {
        using var connection = db.Open();
        PostgresDatabase.Execute(connection, null, "UPDATE dead_letters SET reason = @reason, dead_at = @now, attempts = attempts + 1 WHERE id = @id",
            ("reason", reason), ("now", now.ToUnixTimeMilliseconds()), ("id", id));
    }

    public long Requeue(DeadLetter deadLetter, DateTimeOffset now)
    {
        using var connection = db.Open();
        using var transaction = connection.BeginTransaction();
        var message = deadLetter.ToMessage(now);
        PostgresDatabase.Execute(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", ("key", "alert:" + message.OrderingKey));
        var id = PostgresOutbox.Insert(connection, transaction, message);
        PostgresDatabase.Execute(connection, transaction, "DELETE FROM dead_letters WHERE id = @id", ("id", deadLetter.Id));
        transaction.Commit();
        return id;
    }

    internal static long Insert(NpgsqlConnection connection, NpgsqlTransaction? transaction, DeadLetter d) => PostgresDatabase.Scalar<long>(connection, transaction, """
        INSERT INTO dead_letters (kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status)
        VALUES (@kind, @reason, @route, @cluster, @ordering, @pacing, @method, @path, @headers, @body, @values, @created, @dead, @attempts, @status)
        RETURNING id
        """,
        ("kind", d.Kind), ("reason", d.Reason), ("route", d.Route), ("cluster", d.Cluster), ("ordering", d.OrderingKey), ("pacing", d.PacingKey),
        ("method", d.Method), ("path", d.PathAndQuery), ("headers", JsonSerializer.Serialize(d.Headers)), ("body", d.Body),
        ("values", JsonSerializer.Serialize(d.RouteValues)), ("created", d.CreatedAt.ToUnixTimeMilliseconds()), ("dead", d.DeadAt.ToUnixTimeMilliseconds()),
        ("attempts", d.Attempts), ("status", d.LastStatus));

    private static DeadLetter Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetString(8), PostgresOutbox.Strings(r.GetString(9)), (byte[])r[10],
        PostgresOutbox.Strings(r.GetString(11)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)),
        r.GetInt32(14), r.IsDBNull(15) ? null : r.GetInt32(15));
}
