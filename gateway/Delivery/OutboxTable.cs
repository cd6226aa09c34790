using System.Data.Common;
using System.Text.Json;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The <c>outbox</c> table as both SQL stores write and read it: its columns in the order <see cref="Read"/> reads
/// them, a row's size against the budgets, and the insert (SQLite and PostgreSQL read the same statement).
/// </summary>
internal static class OutboxTable
{
    public const string Columns = "id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, next_attempt_at, last_error, last_status, trace_parent, probation";

    /// <summary>
    /// The bytes an outbox row counts against the budgets (<see cref="StoreBudgets"/>), in SQL; <paramref name="bytes"/>
    /// gives the dialect's byte length of a column (of text too: the same count on every provider).
    /// </summary>
    public static string RowSize(string row, Func<string, string> bytes) =>
        $"({bytes(row + ".body")} + {bytes(row + ".headers")} + {bytes(row + ".path")} + {StoreBudgets.RowOverhead})";

    /// <summary>A row's size (<see cref="RowSize"/>) in PostgreSQL, of a row or input row named <paramref name="row"/>.</summary>
    public static string RowSizeOf(string row) => RowSize(row, column => $"octet_length({column})");

    /// <summary>An event's headers as the <c>headers</c> column holds them.</summary>
    public static string Headers(OutboxMessage message) => JsonSerializer.Serialize(message.Headers);

    /// <summary>
    /// Adds an event, due at its creation time; returns its id. It is on probation only if its key still is when it is
    /// written (ilert may have accepted the key since the event was classed). SQLite and PostgreSQL read the same statement.
    /// </summary>
    public static Task<long> InsertAsync(DbConnection connection, DbTransaction? transaction, OutboxMessage message, CancellationToken cancellationToken) =>
        StoreSql.ScalarAsync<long>(connection, transaction, InsertMessageSql, cancellationToken, MessageParameters(message));

    private const string InsertMessageSql = """
        INSERT INTO outbox (route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, next_attempt_at, trace_parent, probation)
        VALUES (@route, @cluster, @ordering, @pacing, @method, @path, @headers, @body, @created, @attempts, @created, @trace,
            @probation AND NOT EXISTS (SELECT 1 FROM delivery_keys WHERE pacing_key = @pacing AND state = 'known'))
        RETURNING id
        """;

    private static (string Name, object? Value)[] MessageParameters(OutboxMessage message) =>
    [
        ("@route", message.Route), ("@cluster", message.Cluster), ("@ordering", message.OrderingKey), ("@pacing", message.PacingKey),
        ("@method", message.Method), ("@path", message.PathAndQuery), ("@headers", Headers(message)),
        ("@body", message.Body), ("@created", message.CreatedAt.ToUnixTimeMilliseconds()), ("@attempts", message.Attempts), ("@trace", message.TraceParent),
        ("@probation", message.Probation),
    ];

    public static OutboxMessage Read(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        StoreSql.Strings(r.GetString(7)), (byte[])r[8], StoreSql.Time(r.GetInt64(9)), r.GetInt32(10), StoreSql.Time(r.GetInt64(11)),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetInt32(13), r.IsDBNull(14) ? null : r.GetString(14), r.GetBoolean(15));
}
