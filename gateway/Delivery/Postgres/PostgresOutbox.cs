using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// <see cref="IOutbox"/> in a PostgreSQL database shared by every replica. Any replica may store an event and any may
/// claim it; a claim is a lease (<c>locked_until</c>, <c>locked_by</c>) taken by a conditional update, so exactly one
/// replica attempts an event at a time, and a lease whose replica died runs out by itself. An event is its alert's
/// head when no older event of the alert is pending (<c>is_head</c>, kept by triggers: <see cref="PostgresHeads"/>);
/// events of one alert are stored and removed one transaction at a time (a transaction-scoped advisory lock on the
/// alert), so ids follow the order in which they were stored, a head is never overtaken and an alert never loses its
/// head. Inserts from concurrent requests are committed together (<see cref="PostgresGroupCommit"/>).
/// </summary>
internal sealed class PostgresOutbox(PostgresDatabase db, ReplicaIdentity replica, IOptions<DeliveryOptions> options, int writers) : IOutbox, IAsyncDisposable, IDisposable
{
    /// <summary>The group commit's writers (connections committing batches at once); measured in bench/RESULTS.md.</summary>
    public const int Writers = 2;

    private const string Columns = OutboxTable.Columns;

    /// <summary>No older event of the same alert is pending.</summary>
    private const string IsHead = "is_head";

    /// <summary>An event of a key on probation is claimed only while no other event of its key is (one in flight until ilert answers).</summary>
    private const string OneInFlight =
        "(NOT probation OR NOT EXISTS (SELECT 1 FROM outbox other WHERE other.pacing_key = outbox.pacing_key AND other.id <> outbox.id AND other.locked_until >= @now))";

    private readonly StoreBudgets _budgets = options.Value.Budgets;
    private readonly PostgresGroupCommit _groupCommit = new(db, options.Value.Budgets, replica.Name, writers);

    /// <summary>The one the services build: <see cref="Writers"/> writers (a test may choose its own number).</summary>
    public PostgresOutbox(PostgresDatabase db, ReplicaIdentity replica, IOptions<DeliveryOptions> options)
        : this(db, replica, options, Writers)
    {
    }

    /// <summary>The transactions the group commit has committed (each one batch of events).</summary>
    internal long Commits => _groupCommit.Commits;

    public Task<(long Id, bool Claimed)> EnqueueAsync(OutboxMessage message, DateTimeOffset? claimUntil, CancellationToken cancellationToken)
    {
        // The token is not passed on: an event handed to the group commit is committed with its batch or not at all.
        cancellationToken.ThrowIfCancellationRequested();
        return _groupCommit.EnqueueAsync(message, claimUntil);
    }

    public async Task<IReadOnlyList<OutboxMessage>> DueAsync(DateTimeOffset now, int limit, DueFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StoreSql.QueryAsync(connection, null, PostgresHeads.DueSql, OutboxTable.Read, cancellationToken, PostgresHeads.DueParameters(now, limit, filter));
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var next = await StoreSql.ScalarAsync<long?>(connection, null, PostgresHeads.NextDueSql, cancellationToken);
        return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public async Task<bool> TryClaimAsync(long id, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StoreSql.ExecuteAsync(connection, null,
            $"UPDATE outbox SET locked_until = @until, locked_by = @replica WHERE id = @id AND (locked_until IS NULL OR locked_until < @now) AND {IsHead} AND {OneInFlight}",
            cancellationToken, ("until", until.ToUnixTimeMilliseconds()), ("replica", replica.Name), ("id", id), ("now", now.ToUnixTimeMilliseconds())) == 1;
    }

    public async Task ReleaseAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await StoreSql.ExecuteAsync(connection, null, "UPDATE outbox SET locked_until = NULL, locked_by = NULL WHERE id = @id", cancellationToken, ("id", id));
    }

    public async Task RemoveAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PostgresDatabase.LockAlertOfAsync(connection, transaction, id, cancellationToken);
        await StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM outbox WHERE id = @id", cancellationToken, ("id", id));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RescheduleAsync(long id, DateTimeOffset nextAttempt, string error, int? status, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await StoreSql.ExecuteAsync(connection, null,
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @next, locked_until = NULL, locked_by = NULL, last_error = @error, last_status = @status WHERE id = @id",
            cancellationToken, ("next", nextAttempt.ToUnixTimeMilliseconds()), ("error", error), ("status", status), ("id", id));
    }

    public async Task MoveToDeadLettersAsync(OutboxMessage message, string kind, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The alert's lock before the dead letters': an insert of the alert holds it and may wait on a usage shard this
        // transaction would hold by the time its removal needs it.
        await PostgresDatabase.LockAlertAsync(connection, transaction, message.OrderingKey, cancellationToken);
        await PostgresDatabase.LockDeadLettersAsync(connection, transaction, cancellationToken);
        var deadLetter = await DeadLetterTable.InsertAsync(connection, transaction, DeadLetter.FromMessage(message, kind, reason, now), cancellationToken);
        await StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM outbox WHERE id = @id", cancellationToken, ("id", message.Id));
        await DeadLetterTable.PruneAsync(connection, transaction, _budgets, deadLetter, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StoreSql.QueryAsync(connection, null, $"SELECT {StoreSql.WithoutBody(Columns, "''::bytea")} FROM outbox ORDER BY id LIMIT @limit", OutboxTable.Read,
            cancellationToken, ("limit", limit));
    }

    public async Task<StoreUsage> UsageAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StoreUsageTable.ReadAsync(connection, null, cancellationToken);
    }

    public async Task<IReadOnlyList<Lease>> LeasesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StoreSql.QueryAsync(connection, null, "SELECT id, route, locked_by, locked_until FROM outbox WHERE locked_until >= @now ORDER BY id",
            r => new Lease(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? "?" : r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))),
            cancellationToken, ("now", now.ToUnixTimeMilliseconds()));
    }

    public async Task<(long Depth, DateTimeOffset? Oldest)> StatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var (depth, oldest) = (await StoreSql.QueryAsync(connection, null, "SELECT COUNT(*), MIN(created_at) FROM outbox",
            r => (r.GetInt64(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1)), cancellationToken)).Single();
        return (depth, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await StoreSql.ExecuteAsync(connection, transaction, "INSERT INTO write_probe (data) VALUES (decode(repeat('00', 4096), 'hex')); DELETE FROM write_probe;", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if ((await StoreUsageTable.ReadAsync(connection, null, cancellationToken)).Total + 4096 > _budgets.Total)
        {
            throw StoreBudgetException.For(probation: false, _budgets);
        }
    }

    /// <summary>Stops the group commit: what it was handed is committed or its caller told it was not; nothing waits.</summary>
    public ValueTask DisposeAsync() => _groupCommit.DisposeAsync();

    public void Dispose() => _groupCommit.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
