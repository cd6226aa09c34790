using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// <see cref="IOutbox"/> in a PostgreSQL database shared by every replica. Any replica may store an event and any may
/// claim it; a claim is a lease (<c>locked_until</c>, <c>locked_by</c>) taken by a conditional update, so exactly one
/// replica attempts an event at a time, and a lease whose replica died runs out by itself. An event is its alert's
/// head when no older event of the alert is pending; events of one alert are stored one at a time (a transaction-scoped
/// advisory lock on the alert), so ids follow the order in which they were stored and a head is never overtaken.
/// </summary>
internal sealed class PostgresOutbox(PostgresDatabase db, ReplicaIdentity replica, IOptions<DeliveryOptions> options) : IOutbox
{
    private const string Columns = OutboxTable.Columns;

    /// <summary>No older event of the same alert is pending.</summary>
    private const string IsHead = "NOT EXISTS (SELECT 1 FROM outbox older WHERE older.ordering_key = outbox.ordering_key AND older.id < outbox.id)";

    /// <summary>An event of a key on probation is claimed only while no other event of its key is (one in flight until ilert answers).</summary>
    private const string OneInFlight =
        "(NOT probation OR NOT EXISTS (SELECT 1 FROM outbox other WHERE other.pacing_key = outbox.pacing_key AND other.id <> outbox.id AND other.locked_until >= @now))";

    private readonly StoreBudgets _budgets = options.Value.Budgets;

    public async Task<(long Id, bool Claimed)> EnqueueAsync(OutboxMessage message, DateTimeOffset? claimUntil)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await PostgresDatabase.LockAlertAsync(connection, transaction, message.OrderingKey);
        var id = await OutboxTable.InsertAsync(connection, transaction, message);
        // The budgets are read after the insert, as every replica's writes left them: a refused event leaves nothing.
        var usage = StoreUsageTable.Read(connection, transaction);
        if (usage.Total > _budgets.Total || (message.Probation && usage.Probation > _budgets.Probation))
        {
            await transaction.RollbackAsync();
            throw StoreBudgetException.For(message.Probation, _budgets);
        }

        var claimed = claimUntil is { } until && await StoreSql.ExecuteAsync(connection, transaction,
            $"UPDATE outbox SET locked_until = @until, locked_by = @replica WHERE id = @id AND {IsHead} AND {OneInFlight}",
            ("until", until.ToUnixTimeMilliseconds()), ("replica", replica.Name), ("id", id), ("now", message.CreatedAt.ToUnixTimeMilliseconds())) == 1;
        await transaction.CommitAsync();
        return (id, claimed);
    }

    public IReadOnlyList<OutboxMessage> Due(DateTimeOffset now, int limit, DueFilter filter)
    {
        using var connection = db.Open();
        return StoreSql.Query(connection, null, $"""
            SELECT {Columns} FROM outbox JOIN (
                SELECT id AS head, ROW_NUMBER() OVER (PARTITION BY pacing_key ORDER BY id) AS turn FROM outbox
                WHERE next_attempt_at <= @now AND (locked_until IS NULL OR locked_until < @now) AND {IsHead}
                    AND (NOT probation OR @probation) AND pacing_key <> ALL(@skip)
            ) heads ON id = head
            WHERE turn <= @perKey
            ORDER BY probation, turn, id LIMIT @limit
            """, OutboxTable.Read, ("now", now.ToUnixTimeMilliseconds()), ("probation", filter.Probation), ("skip", filter.SkipKeys.ToArray()),
            ("perKey", (long)filter.PerKey), ("limit", limit));
    }

    public DateTimeOffset? NextDue()
    {
        using var connection = db.Open();
        var next = StoreSql.Scalar<long?>(connection, null, $"SELECT MIN(GREATEST(next_attempt_at, COALESCE(locked_until, 0))) FROM outbox WHERE {IsHead}");
        return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public bool TryClaim(long id, DateTimeOffset now, DateTimeOffset until)
    {
        using var connection = db.Open();
        return StoreSql.Execute(connection, null,
            $"UPDATE outbox SET locked_until = @until, locked_by = @replica WHERE id = @id AND (locked_until IS NULL OR locked_until < @now) AND {IsHead} AND {OneInFlight}",
            ("until", until.ToUnixTimeMilliseconds()), ("replica", replica.Name), ("id", id), ("now", now.ToUnixTimeMilliseconds())) == 1;
    }

    public void Release(long id)
    {
        using var connection = db.Open();
        StoreSql.Execute(connection, null, "UPDATE outbox SET locked_until = NULL, locked_by = NULL WHERE id = @id", ("id", id));
    }

    public void Remove(long id)
    {
        using var connection = db.Open();
        StoreSql.Execute(connection, null, "DELETE FROM outbox WHERE id = @id", ("id", id));
    }

    public void Reschedule(long id, DateTimeOffset nextAttempt, string error, int? status)
    {
        using var connection = db.Open();
        StoreSql.Execute(connection, null,
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @next, locked_until = NULL, locked_by = NULL, last_error = @error, last_status = @status WHERE id = @id",
            ("next", nextAttempt.ToUnixTimeMilliseconds()), ("error", error), ("status", status), ("id", id));
    }

    public void MoveToDeadLetters(OutboxMessage message, string kind, string reason, DateTimeOffset now)
    {
        using var connection = db.Open();
        using var transaction = connection.BeginTransaction();
        PostgresDatabase.LockDeadLetters(connection, transaction);
        var deadLetter = DeadLetterTable.Insert(connection, transaction, DeadLetter.FromMessage(message, kind, reason, now));
        StoreSql.Execute(connection, transaction, "DELETE FROM outbox WHERE id = @id", ("id", message.Id));
        DeadLetterTable.Prune(connection, transaction, _budgets, deadLetter);
        transaction.Commit();
    }

    public IReadOnlyList<OutboxMessage> List(int limit)
    {
        using var connection = db.Open();
        return StoreSql.Query(connection, null, $"SELECT {StoreSql.WithoutBody(Columns, "''::bytea")} FROM outbox ORDER BY id LIMIT @limit", OutboxTable.Read, ("limit", limit));
    }

    public StoreUsage Usage()
    {
        using var connection = db.Open();
        return StoreUsageTable.Read(connection, null);
    }

    public IReadOnlyList<Lease> Leases(DateTimeOffset now)
    {
        using var connection = db.Open();
        return StoreSql.Query(connection, null, "SELECT id, route, locked_by, locked_until FROM outbox WHERE locked_until >= @now ORDER BY id",
            r => new Lease(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? "?" : r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))),
            ("now", now.ToUnixTimeMilliseconds()));
    }

    public (long Depth, DateTimeOffset? Oldest) Stats()
    {
        using var connection = db.Open();
        var (depth, oldest) = StoreSql.Query(connection, null, "SELECT COUNT(*), MIN(created_at) FROM outbox",
            r => (r.GetInt64(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1))).Single();
        return (depth, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    public void CheckWritable()
    {
        using var connection = db.Open();
        using var transaction = connection.BeginTransaction();
        StoreSql.Execute(connection, transaction, "INSERT INTO write_probe (data) VALUES (decode(repeat('00', 4096), 'hex')); DELETE FROM write_probe;");
        transaction.Commit();
        if (StoreUsageTable.Read(connection, null).Total + 4096 > _budgets.Total)
        {
            throw StoreBudgetException.For(probation: false, _budgets);
        }
    }
}
