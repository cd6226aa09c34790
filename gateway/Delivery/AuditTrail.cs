using System.Data.Common;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The audit trail's store (<c>audit</c>, <see cref="StoreSchema"/>): entries appended, never changed (the database's
/// triggers refuse an update or a delete), and read newest first in pages that follow on by id. One implementation for
/// both providers: the SQL is the same. Who writes an entry, and when, is the management port's business
/// (<c>Admin/AuditedEndpointFilter</c>).
/// </summary>
internal sealed class AuditTrail(IStoreDatabase db)
{
    /// <summary>
    /// The <c>HttpContext.Items</c> key under which an audited handler may leave a short detail of what it did
    /// (<c>"3 deleted"</c>, <c>"queued as event 12"</c>); never a path, a key, a token or a secret.
    /// </summary>
    public const string DetailKey = "HaloIlertGateway.Audit.Detail";

    /// <summary>The entries a listing reads when it names no limit.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most entries one listing reads.</summary>
    public const int MaxLimit = 1_000;

    private const string Columns = "id, at, actor, action, target, address, status, outcome, detail";

    /// <summary>Writes <paramref name="entry"/> (its <see cref="AuditEntry.Id"/> is ignored); returns the id it was given.</summary>
    public Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken) => db.InTransactionAsync((connection, transaction) =>
        StoreSql.ScalarAsync<long>(connection, transaction, """
            INSERT INTO audit (at, actor, action, target, address, status, outcome, detail)
            VALUES (@at, @actor, @action, @target, @address, @status, @outcome, @detail)
            RETURNING id
            """,
            cancellationToken,
            ("@at", entry.At.ToUnixTimeMilliseconds()), ("@actor", entry.Actor), ("@action", entry.Action), ("@target", entry.Target),
            ("@address", entry.Address), ("@status", entry.Status), ("@outcome", entry.Outcome), ("@detail", entry.Detail)), cancellationToken);

    /// <summary>The entries <paramref name="query"/> names, newest first, and where the next page starts.</summary>
    public async Task<AuditPage> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, MaxLimit);
        // Only the conditions given (a NULL parameter has no type PostgreSQL could infer); one row more than the page
        // tells whether another page follows.
        var conditions = new List<string> { "TRUE" };
        var parameters = new List<(string Name, object? Value)> { ("@rows", query.Limit + 1) };
        Add("id < @before", "@before", query.Before);
        Add("actor = @actor", "@actor", query.Actor);
        Add("action = @action", "@action", query.Action);
        Add("at >= @since", "@since", query.Since?.ToUnixTimeMilliseconds());
        Add("at < @until", "@until", query.Until?.ToUnixTimeMilliseconds());
        var rows = await db.ReadAsync(connection => StoreSql.QueryAsync(connection, null,
            $"SELECT {Columns} FROM audit WHERE {string.Join(" AND ", conditions)} ORDER BY id DESC LIMIT @rows", Read, cancellationToken, [.. parameters]), cancellationToken);
        return rows.Count > query.Limit ? new AuditPage(rows.GetRange(0, query.Limit), rows[query.Limit - 1].Id) : new AuditPage(rows, null);

        void Add(string condition, string name, object? value)
        {
            if (value is not null)
            {
                conditions.Add(condition);
                parameters.Add((name, value));
            }
        }
    }

    private static AuditEntry Read(DbDataReader r) => new(
        r.GetInt64(0), StoreSql.Time(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), (int)r.GetInt64(6), r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8));
}
