using System.Data.Common;
using System.Text.Json;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The <c>dead_letters</c> table as both SQL stores write and read it: its columns in the order <see cref="Read"/>
/// reads them, a row's size against the budgets, the insert, the pruning to the budgets (oldest first, anonymous ones
/// before any other) and the filtered delete.
/// </summary>
internal static class DeadLetterTable
{
    public const string Columns = "id, kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status, anonymous";

    /// <summary>The bytes a dead letter counts against the budgets, in SQL.</summary>
    public static string RowSize(string row, Func<string, string> bytes) =>
        $"({bytes(row + ".body")} + {bytes(row + ".headers")} + {bytes(row + ".path")} + {bytes(row + ".reason")} + {bytes(row + ".route_values")} + {StoreBudgets.RowOverhead})";

    /// <summary>
    /// Keeps the dead letters within their budgets, oldest first: anonymous ones within theirs, then all within theirs
    /// (anonymous ones removed first). <paramref name="keep"/> (the dead letter just added) is never removed.
    /// </summary>
    public static async Task PruneAsync(DbConnection connection, DbTransaction transaction, StoreBudgets budgets, long keep, CancellationToken cancellationToken)
    {
        while (await StoreUsageTable.ReadAsync(connection, transaction, cancellationToken) is var usage
            && (usage.AnonymousDeadLetters > budgets.AnonymousDeadLetters || usage.DeadLetters > budgets.DeadLetters))
        {
            // One row at a time when a row or two is over (as each is added); in batches when a lowered budget is far over.
            var over = Math.Max(usage.AnonymousDeadLetters - budgets.AnonymousDeadLetters, usage.DeadLetters - budgets.DeadLetters);
            var rows = over > 1024 * 1024 ? 64 : 1;
            if (await RemoveOldestAsync(connection, transaction, anonymous: true, keep, rows, cancellationToken))
            {
                continue;
            }

            if (usage.AnonymousDeadLetters > budgets.AnonymousDeadLetters || !await RemoveOldestAsync(connection, transaction, anonymous: false, keep, rows, cancellationToken))
            {
                // Only the new one is left of what is over: it stays, whatever its size.
                return;
            }
        }
    }

    /// <summary>Adds a dead letter within the budgets (see <see cref="IDeadLetterStore.AddAsync"/>); returns its id.</summary>
    public static async Task<long> AddWithinBudgetsAsync(DbConnection connection, DbTransaction transaction, DeadLetter deadLetter, StoreBudgets budgets, CancellationToken cancellationToken)
    {
        var id = await InsertAsync(connection, transaction, deadLetter, cancellationToken);
        await PruneAsync(connection, transaction, budgets, id, cancellationToken);
        return (await StoreUsageTable.ReadAsync(connection, transaction, cancellationToken)).Total > budgets.Total ? throw StoreBudgetException.For(probation: false, budgets) : id;
    }

    /// <summary>Removes the dead letters <paramref name="filter"/> matches; returns how many.</summary>
    public static async Task<long> DeleteAsync(DbConnection connection, DbTransaction? transaction, DeadLetterFilter filter, CancellationToken cancellationToken)
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

        return await StoreSql.ExecuteAsync(connection, transaction, $"DELETE FROM dead_letters WHERE {string.Join(" AND ", conditions)}", cancellationToken, [.. parameters]);
    }

    private static async Task<bool> RemoveOldestAsync(DbConnection connection, DbTransaction transaction, bool anonymous, long keep, int rows, CancellationToken cancellationToken) =>
        await StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE anonymous = @anonymous AND id <> @keep ORDER BY id LIMIT @rows)",
            cancellationToken, ("@anonymous", anonymous), ("@keep", keep), ("@rows", rows)) > 0;

    public static Task<long> InsertAsync(DbConnection connection, DbTransaction? transaction, DeadLetter d, CancellationToken cancellationToken) => StoreSql.ScalarAsync<long>(connection, transaction, """
        INSERT INTO dead_letters (kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status, anonymous)
        VALUES (@kind, @reason, @route, @cluster, @ordering, @pacing, @method, @path, @headers, @body, @values, @created, @dead, @attempts, @status, @anonymous)
        RETURNING id
        """,
        cancellationToken,
        ("@kind", d.Kind), ("@reason", d.Reason), ("@route", d.Route), ("@cluster", d.Cluster), ("@ordering", d.OrderingKey), ("@pacing", d.PacingKey),
        ("@method", d.Method), ("@path", d.PathAndQuery), ("@headers", JsonSerializer.Serialize(d.Headers)), ("@body", d.Body),
        ("@values", JsonSerializer.Serialize(d.RouteValues)), ("@created", d.CreatedAt.ToUnixTimeMilliseconds()), ("@dead", d.DeadAt.ToUnixTimeMilliseconds()),
        ("@attempts", d.Attempts), ("@status", d.LastStatus), ("@anonymous", d.Anonymous));

    public static DeadLetter Read(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetString(8), StoreSql.Strings(r.GetString(9)), (byte[])r[10], StoreSql.Strings(r.GetString(11)),
        StoreSql.Time(r.GetInt64(12)), StoreSql.Time(r.GetInt64(13)), r.GetInt32(14), r.IsDBNull(15) ? null : r.GetInt32(15), r.GetBoolean(16));
}
