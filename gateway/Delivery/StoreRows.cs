using System.Data.Common;
using System.Text.Json;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// What the SQL stores share: the columns of an outbox event and a dead letter in the order both read them, the
/// readers, and ADO.NET commands with parameters (each store names them its own way: <c>$id</c>, <c>@id</c>).
/// </summary>
internal static class StoreRows
{
    public const string MessageColumns = "id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, next_attempt_at, last_error, last_status, trace_parent, probation";

    public const string DeadLetterColumns = "id, kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status, anonymous";

    /// <summary>The columns of a listing: the same, with every body read as empty (a listing shows none, and never reads one).</summary>
    public static string WithoutBody(string columns, string empty) => columns.Replace(", body,", $", {empty} AS body,", StringComparison.Ordinal);

    /// <summary>
    /// The bytes an outbox row counts against the budgets (<see cref="StoreBudgets"/>), in SQL; <paramref name="bytes"/>
    /// gives the dialect's byte length of a column (of text too: the same count on every provider).
    /// </summary>
    public static string MessageSize(string row, Func<string, string> bytes) =>
        $"({bytes(row + ".body")} + {bytes(row + ".headers")} + {bytes(row + ".path")} + {StoreBudgets.RowOverhead})";

    /// <summary>The bytes a dead letter counts against the budgets, in SQL.</summary>
    public static string DeadLetterSize(string row, Func<string, string> bytes) =>
        $"({bytes(row + ".body")} + {bytes(row + ".headers")} + {bytes(row + ".path")} + {bytes(row + ".reason")} + {bytes(row + ".route_values")} + {StoreBudgets.RowOverhead})";

    /// <summary>The categories of <c>store_usage</c>: events of known keys, of keys on probation, dead letters, anonymous dead letters.</summary>
    public const string EventsUsage = "events";
    public const string ProbationUsage = "probation";
    public const string DeadUsage = "dead";
    public const string AnonymousDeadUsage = "dead-anonymous";

    /// <summary>What each class of row holds now (the triggers of <c>outbox</c> and <c>dead_letters</c> keep <c>store_usage</c> exact).</summary>
    public static StoreUsage Usage(DbConnection connection, DbTransaction? transaction)
    {
        var bytes = Query(connection, transaction, "SELECT category, SUM(bytes) FROM store_usage GROUP BY category", r => (r.GetString(0), r.IsDBNull(1) ? 0L : Convert.ToInt64(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)))
            .ToDictionary(pair => pair.Item1, pair => pair.Item2);
        var anonymous = bytes.GetValueOrDefault(AnonymousDeadUsage);
        return new StoreUsage(bytes.GetValueOrDefault(EventsUsage), bytes.GetValueOrDefault(ProbationUsage), bytes.GetValueOrDefault(DeadUsage) + anonymous, anonymous);
    }

    /// <summary>
    /// Keeps the dead letters within their budgets, oldest first: anonymous ones within theirs, then all within theirs
    /// (anonymous ones removed first). <paramref name="keep"/> (the dead letter just added) is never removed.
    /// </summary>
    public static void PruneDeadLetters(DbConnection connection, DbTransaction transaction, StoreBudgets budgets, long keep)
    {
        while (Usage(connection, transaction) is var usage
            && (usage.AnonymousDeadLetters > budgets.AnonymousDeadLetters || usage.DeadLetters > budgets.DeadLetters))
        {
            // One row at a time when a row or two is over (as each is added); in batches when a lowered budget is far over.
            var over = Math.Max(usage.AnonymousDeadLetters - budgets.AnonymousDeadLetters, usage.DeadLetters - budgets.DeadLetters);
            var rows = over > 1024 * 1024 ? 64 : 1;
            if (RemoveOldestDeadLetters(connection, transaction, anonymous: true, keep, rows))
            {
                continue;
            }

            if (usage.AnonymousDeadLetters > budgets.AnonymousDeadLetters || !RemoveOldestDeadLetters(connection, transaction, anonymous: false, keep, rows))
            {
                // Only the new one is left of what is over: it stays, whatever its size.
                return;
            }
        }
    }

    /// <summary>Adds a dead letter within the budgets (see <see cref="IDeadLetterStore.Add"/>); returns its id.</summary>
    public static long AddDeadLetter(DbConnection connection, DbTransaction transaction, DeadLetter deadLetter, StoreBudgets budgets)
    {
        var id = InsertDeadLetter(connection, transaction, deadLetter);
        PruneDeadLetters(connection, transaction, budgets, id);
        return Usage(connection, transaction).Total > budgets.Total ? throw StoreBudgetException.For(probation: false, budgets) : id;
    }

    /// <summary>Removes the dead letters <paramref name="filter"/> matches; returns how many.</summary>
    public static long DeleteDeadLetters(DbConnection connection, DbTransaction? transaction, DeadLetterFilter filter)
    {
        // Only the conditions given (a NULL parameter has no type PostgreSQL could infer).
        var conditions = new List<string> { "TRUE" };
        var parameters = new List<(string Name, object? Value)>();
        if (filter.Kind is { } kind)
        {
            conditions.Add("kind = @kind");
            parameters.Add(("@kind", kind));
        }

        if (filter.Route is { } route)
        {
            conditions.Add("route = @route");
            parameters.Add(("@route", route));
        }

        if (filter.DeadBefore is { } before)
        {
            conditions.Add("dead_at < @before");
            parameters.Add(("@before", before.ToUnixTimeMilliseconds()));
        }

        return Execute(connection, transaction, $"DELETE FROM dead_letters WHERE {string.Join(" AND ", conditions)}", [.. parameters]);
    }

    private static bool RemoveOldestDeadLetters(DbConnection connection, DbTransaction transaction, bool anonymous, long keep, int rows) =>
        Execute(connection, transaction, "DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE anonymous = @anonymous AND id <> @keep ORDER BY id LIMIT @rows)",
            ("@anonymous", anonymous), ("@keep", keep), ("@rows", rows)) > 0;

    /// <summary>
    /// Adds an event, due at its creation time; returns its id. It is on probation only if its key still is when it is
    /// written (ilert may have accepted the key since the event was classed). SQLite and PostgreSQL read the same statement.
    /// </summary>
    public static long InsertMessage(DbConnection connection, DbTransaction? transaction, OutboxMessage message) =>
        Scalar<long>(connection, transaction, InsertMessageSql, MessageParameters(message));

    public static Task<long> InsertMessageAsync(DbConnection connection, DbTransaction? transaction, OutboxMessage message) =>
        ScalarAsync<long>(connection, transaction, InsertMessageSql, MessageParameters(message));

    public static long InsertDeadLetter(DbConnection connection, DbTransaction? transaction, DeadLetter d) => Scalar<long>(connection, transaction, """
        INSERT INTO dead_letters (kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status, anonymous)
        VALUES (@kind, @reason, @route, @cluster, @ordering, @pacing, @method, @path, @headers, @body, @values, @created, @dead, @attempts, @status, @anonymous)
        RETURNING id
        """,
        ("@kind", d.Kind), ("@reason", d.Reason), ("@route", d.Route), ("@cluster", d.Cluster), ("@ordering", d.OrderingKey), ("@pacing", d.PacingKey),
        ("@method", d.Method), ("@path", d.PathAndQuery), ("@headers", JsonSerializer.Serialize(d.Headers)), ("@body", d.Body),
        ("@values", JsonSerializer.Serialize(d.RouteValues)), ("@created", d.CreatedAt.ToUnixTimeMilliseconds()), ("@dead", d.DeadAt.ToUnixTimeMilliseconds()),
        ("@attempts", d.Attempts), ("@status", d.LastStatus), ("@anonymous", d.Anonymous));

    private const string InsertMessageSql = """
        INSERT INTO outbox (route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, next_attempt_at, trace_parent, probation)
        VALUES (@route, @cluster, @ordering, @pacing, @method, @path, @headers, @body, @created, @attempts, @created, @trace,
            @probation AND NOT EXISTS (SELECT 1 FROM delivery_keys WHERE pacing_key = @pacing AND state = 'known'))
        RETURNING id
        """;

    private static (string Name, object? Value)[] MessageParameters(OutboxMessage message) =>
    [
        ("@route", message.Route), ("@cluster", message.Cluster), ("@ordering", message.OrderingKey), ("@pacing", message.PacingKey),
        ("@method", message.Method), ("@path", message.PathAndQuery), ("@headers", JsonSerializer.Serialize(message.Headers)),
        ("@body", message.Body), ("@created", message.CreatedAt.ToUnixTimeMilliseconds()), ("@attempts", message.Attempts), ("@trace", message.TraceParent),
        ("@probation", message.Probation),
    ];

    public static OutboxMessage Message(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        Strings(r.GetString(7)), (byte[])r[8], Time(r.GetInt64(9)), r.GetInt32(10), Time(r.GetInt64(11)),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetInt32(13), r.IsDBNull(14) ? null : r.GetString(14), r.GetBoolean(15));

    public static DeadLetter DeadLetter(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetString(8), Strings(r.GetString(9)), (byte[])r[10], Strings(r.GetString(11)),
        Time(r.GetInt64(12)), Time(r.GetInt64(13)), r.GetInt32(14), r.IsDBNull(15) ? null : r.GetInt32(15), r.GetBoolean(16));

    public static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    public static Dictionary<string, string> Strings(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public static T Scalar<T>(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return ValueAs<T>(command.ExecuteScalar());
    }

    public static async Task<T> ScalarAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return ValueAs<T>(await command.ExecuteScalarAsync());
    }

    public static List<T> Query<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var results = new List<T>();
        while (reader.Read())
        {
            results.Add(read(reader));
        }

        return results;
    }

    /// <summary>A scalar as <typeparamref name="T"/> (SQLite answers long where PostgreSQL answers int): default for NULL.</summary>
    private static T ValueAs<T>(object? value) =>
        value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
