using HaloIlertGateway.Delivery;
using Microsoft.Data.Sqlite;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// The queries the stores asked before heads were read key by key (at 7ff8e3d), for <see cref="HeadsPlan"/>'s
/// comparison: a window function over every due head, and a minimum over every head.
/// </summary>
internal static class HeadsPlanBefore
{
    private const string PostgresIsHead = "NOT EXISTS (SELECT 1 FROM outbox older WHERE older.ordering_key = outbox.ordering_key AND older.id < outbox.id)";

    public const string PostgresDue = $"""
        SELECT {OutboxTable.Columns} FROM outbox JOIN (
            SELECT id AS head, ROW_NUMBER() OVER (PARTITION BY pacing_key ORDER BY id) AS turn FROM outbox
            WHERE next_attempt_at <= @now AND (locked_until IS NULL OR locked_until < @now) AND {PostgresIsHead}
                AND (NOT probation OR @probation) AND pacing_key <> ALL(@skip)
        ) heads ON id = head
        WHERE turn <= @perKey
        ORDER BY probation, turn, id LIMIT @limit
        """;

    public const string PostgresNextDue = $"SELECT MIN(GREATEST(next_attempt_at, COALESCE(locked_until, 0))) FROM outbox WHERE {PostgresIsHead}";

    private const string SqliteDue = $"""
        SELECT {OutboxTable.Columns} FROM outbox JOIN (
            SELECT id AS head, ROW_NUMBER() OVER (PARTITION BY pacing_key ORDER BY id) AS turn FROM outbox
            WHERE is_head = 1 AND next_attempt_at <= $now AND (locked_until IS NULL OR locked_until < $now)
                AND (probation = 0 OR $probation) AND pacing_key NOT IN (SELECT value FROM json_each($skip))
        ) ON id = head
        WHERE turn <= $perKey
        ORDER BY probation, turn, id LIMIT $limit
        """;

    private const string SqliteNextDue = "SELECT MIN(MAX(next_attempt_at, COALESCE(locked_until, 0))) FROM outbox WHERE is_head = 1";

    /// <summary>
    /// A copy of the outbox file at <paramref name="path"/>, with the index the queries of before read (the store's file
    /// keeps its own indexes only: SQLite's planner could otherwise take that one for the queries of now).
    /// </summary>
    public static async Task<SqliteConnection> OpenSqliteAsync(string path, string copy)
    {
        File.Copy(path, copy);
        var connection = new SqliteConnection($"Data Source={copy};Pooling=false");
        await connection.OpenAsync();
        await StoreSql.ExecuteAsync(connection, null, "CREATE INDEX outbox_heads ON outbox (is_head, next_attempt_at)", CancellationToken.None);
        return connection;
    }

    public static Task SqliteDueAsync(SqliteConnection connection, (string, object?)[] parameters) =>
        StoreSql.QueryAsync(connection, null, SqliteDue, r => r.GetInt64(0), CancellationToken.None, parameters);

    public static Task SqliteNextDueAsync(SqliteConnection connection) => StoreSql.ScalarAsync<long?>(connection, null, SqliteNextDue, CancellationToken.None);
}
