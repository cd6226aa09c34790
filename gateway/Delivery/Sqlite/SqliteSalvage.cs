using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;

// A rare recovery (a file replaced under the running gateway), under the file's Gate, on embedded files whose
// asynchronous calls would run synchronously anyway.
#pragma warning disable RS0030

namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary>
/// What a file deleted or replaced under the running gateway still holds, carried into the file now at its path: every
/// event (with its id, attempts and schedule), dead letter, key class and replay mark, row by row (a backlog is never
/// held in memory). A row whose id the new file has already (a restored copy of the same outbox) is kept as the new
/// file has it: delivery stays at least once.
/// </summary>
internal static class SqliteSalvage
{
    public static (long Events, long DeadLetters) CarryOver(SqliteConnection from, SqliteConnection to)
    {
        using var transaction = to.BeginTransaction();
        var events = Copy(from, $"SELECT {OutboxTable.Columns} FROM outbox ORDER BY id", reader =>
        {
            var m = OutboxTable.Read(reader);
            return StoreSql.Execute(to, transaction, """
                INSERT OR IGNORE INTO outbox (id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts,
                    next_attempt_at, last_error, last_status, trace_parent, probation)
                VALUES (@id, @route, @cluster, @ordering, @pacing, @method, @path, @headers, @body, @created, @attempts, @next, @error, @status, @trace, @probation)
                """,
                ("@id", m.Id), ("@route", m.Route), ("@cluster", m.Cluster), ("@ordering", m.OrderingKey), ("@pacing", m.PacingKey), ("@method", m.Method),
                ("@path", m.PathAndQuery), ("@headers", JsonSerializer.Serialize(m.Headers)), ("@body", m.Body), ("@created", m.CreatedAt.ToUnixTimeMilliseconds()),
                ("@attempts", m.Attempts), ("@next", (m.NextAttemptAt ?? m.CreatedAt).ToUnixTimeMilliseconds()), ("@error", m.LastError), ("@status", m.LastStatus),
                ("@trace", m.TraceParent), ("@probation", m.Probation));
        });
        var deadLetters = Copy(from, $"SELECT {DeadLetterTable.Columns} FROM dead_letters ORDER BY id", reader =>
        {
            var d = DeadLetterTable.Read(reader);
            return StoreSql.Execute(to, transaction, """
                INSERT OR IGNORE INTO dead_letters (id, kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values,
                    created_at, dead_at, attempts, last_status, anonymous)
                VALUES (@id, @kind, @reason, @route, @cluster, @ordering, @pacing, @method, @path, @headers, @body, @values, @created, @dead, @attempts, @status, @anonymous)
                """,
                ("@id", d.Id), ("@kind", d.Kind), ("@reason", d.Reason), ("@route", d.Route), ("@cluster", d.Cluster), ("@ordering", d.OrderingKey),
                ("@pacing", d.PacingKey), ("@method", d.Method), ("@path", d.PathAndQuery), ("@headers", JsonSerializer.Serialize(d.Headers)), ("@body", d.Body),
                ("@values", JsonSerializer.Serialize(d.RouteValues)), ("@created", d.CreatedAt.ToUnixTimeMilliseconds()), ("@dead", d.DeadAt.ToUnixTimeMilliseconds()),
                ("@attempts", d.Attempts), ("@status", d.LastStatus), ("@anonymous", d.Anonymous));
        });
        Copy(from, "SELECT pacing_key, state, until, changed_at FROM delivery_keys", reader => StoreSql.Execute(to, transaction,
            "INSERT OR IGNORE INTO delivery_keys (pacing_key, state, until, changed_at) VALUES (@key, @state, @until, @changed)",
            ("@key", reader.GetString(0)), ("@state", reader.GetString(1)), ("@until", reader.IsDBNull(2) ? null : reader.GetInt64(2)), ("@changed", reader.GetInt64(3))));
        Copy(from, "SELECT key, expires_at, confirmed FROM replay_guard", reader => StoreSql.Execute(to, transaction,
            "INSERT OR IGNORE INTO replay_guard (key, expires_at, confirmed) VALUES (@key, @expires, @confirmed)",
            ("@key", reader.GetString(0)), ("@expires", reader.GetInt64(1)), ("@confirmed", reader.GetBoolean(2))));
        StoreSql.Execute(to, transaction, "UPDATE outbox SET is_head = (id IN (SELECT MIN(id) FROM outbox GROUP BY ordering_key))");
        transaction.Commit();
        return (events, deadLetters);
    }

    /// <summary>Runs <paramref name="insert"/> for every row <paramref name="sql"/> reads; returns how many rows it inserted.</summary>
    private static long Copy(SqliteConnection from, string sql, Func<DbDataReader, int> insert)
    {
        using var command = from.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        long inserted = 0;
        while (reader.Read())
        {
            inserted += insert(reader);
        }

        return inserted;
    }
}
