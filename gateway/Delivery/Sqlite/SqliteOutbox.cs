using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary>
/// <see cref="IOutbox"/> in SQLite. Inserts from concurrent requests are committed together (group commit: one fsync
/// for a batch, not one per event), each within the budgets (a savepoint per event: one refused event leaves the rest
/// of its batch stored); <c>is_head</c> marks the oldest event of each alert.
/// </summary>
internal sealed class SqliteOutbox : IOutbox, IDisposable
{
    private const string Columns = OutboxTable.Columns;
    private const int MaxBatch = 256;

    private readonly SqliteDatabase _db;
    private readonly Channel<PendingEnqueue> _pending = Channel.CreateUnbounded<PendingEnqueue>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    private readonly ReplicaIdentity _replica;
    private readonly StoreBudgets _budgets;

    public SqliteOutbox(SqliteDatabase db, ReplicaIdentity replica, IOptions<DeliveryOptions> options)
    {
        _db = db;
        _replica = replica;
        _budgets = options.Value.Budgets;
        _writer = Task.Run(WriteBatchesAsync);
    }

    public Task<(long Id, bool Claimed)> EnqueueAsync(OutboxMessage message, DateTimeOffset? claimUntil, CancellationToken cancellationToken)
    {
        // The token is not passed on: an event handed to the group commit is committed with its batch or not at all.
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<(long Id, bool Claimed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite(new PendingEnqueue(message, claimUntil, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(SqliteOutbox)));
        }

        return done.Task;
    }

    public async Task<IReadOnlyList<OutboxMessage>> DueAsync(DateTimeOffset now, int limit, DueFilter filter, CancellationToken cancellationToken) =>
        await _db.UseAsync(_ => _db.QueryAsync(null, SqliteHeads.DueSql, OutboxTable.Read, cancellationToken, SqliteHeads.DueParameters(now, limit, filter)), cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) => _db.UseAsync(async _ =>
    {
        var next = await _db.ScalarAsync<long?>(null, SqliteHeads.NextDueSql, cancellationToken);
        return next is { } ms ? StoreSql.Time(ms) : (DateTimeOffset?)null;
    }, cancellationToken);

    public Task<bool> TryClaimAsync(long id, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) => _db.UseAsync(async _ =>
        await _db.ExecuteAsync(null, $"UPDATE outbox SET locked_until = $until WHERE id = $id AND is_head = 1 AND (locked_until IS NULL OR locked_until < $now) AND {OneInFlight}",
            cancellationToken, ("$until", until.ToUnixTimeMilliseconds()), ("$id", id), ("$now", now.ToUnixTimeMilliseconds())) == 1, cancellationToken);

    public Task ReleaseAsync(long id, CancellationToken cancellationToken) =>
        _db.UseAsync(_ => _db.ExecuteAsync(null, "UPDATE outbox SET locked_until = NULL WHERE id = $id", cancellationToken, ("$id", id)), cancellationToken);

    public Task RemoveAsync(long id, CancellationToken cancellationToken) => _db.InTransactionAsync(async (_, transaction) =>
    {
        if ((await _db.QueryAsync(transaction, "DELETE FROM outbox WHERE id = $id RETURNING ordering_key", r => r.GetString(0), cancellationToken, ("$id", id))).FirstOrDefault() is { } orderingKey)
        {
            await PromoteHeadAsync(_db, transaction, orderingKey, cancellationToken);
        }

        return true;
    }, ensureFile: false, cancellationToken);

    public Task RescheduleAsync(long id, DateTimeOffset nextAttempt, string error, int? status, CancellationToken cancellationToken) =>
        _db.UseAsync(_ => _db.ExecuteAsync(null, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $next, locked_until = NULL, last_error = $error, last_status = $status WHERE id = $id",
            cancellationToken, ("$next", nextAttempt.ToUnixTimeMilliseconds()), ("$error", error), ("$status", status), ("$id", id)), cancellationToken);

    public Task MoveToDeadLettersAsync(OutboxMessage message, string kind, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        _db.InTransactionAsync(async (connection, transaction) =>
        {
            var deadLetter = await DeadLetterTable.InsertAsync(connection, transaction, DeadLetter.FromMessage(message, kind, reason, now), cancellationToken);
            await _db.ExecuteAsync(transaction, "DELETE FROM outbox WHERE id = $id", cancellationToken, ("$id", message.Id));
            await PromoteHeadAsync(_db, transaction, message.OrderingKey, cancellationToken);
            await DeadLetterTable.PruneAsync(connection, transaction, _budgets, deadLetter, cancellationToken);
            return deadLetter;
        }, ensureFile: false, cancellationToken);

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(int limit, CancellationToken cancellationToken) =>
        await _db.UseAsync(_ => _db.QueryAsync(null, $"SELECT {StoreSql.WithoutBody(Columns, "x''")} FROM outbox ORDER BY id LIMIT $limit", OutboxTable.Read, cancellationToken, ("$limit", limit)),
            cancellationToken);

    public Task<StoreUsage> UsageAsync(CancellationToken cancellationToken) =>
        _db.UseAsync(connection => StoreUsageTable.ReadAsync(connection, null, cancellationToken), cancellationToken);

    /// <remarks>One gateway per file: every lease is this process's.</remarks>
    public async Task<IReadOnlyList<Lease>> LeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await _db.UseAsync(_ => _db.QueryAsync(null, "SELECT id, route, locked_until FROM outbox WHERE locked_until >= $now ORDER BY id",
            r => new Lease(r.GetInt64(0), r.GetString(1), _replica.Name, StoreSql.Time(r.GetInt64(2))), cancellationToken, ("$now", now.ToUnixTimeMilliseconds())), cancellationToken);

    public Task<(long Depth, DateTimeOffset? Oldest)> StatsAsync(CancellationToken cancellationToken) => _db.UseAsync(async _ =>
    {
        var depth = await _db.ScalarAsync<long>(null, "SELECT COUNT(*) FROM outbox", cancellationToken);
        var oldest = await _db.ScalarAsync<long?>(null, "SELECT MIN(created_at) FROM outbox", cancellationToken);
        return (depth, oldest is { } ms ? StoreSql.Time(ms) : (DateTimeOffset?)null);
    }, cancellationToken);

    /// <remarks>Taking the write lock alone succeeds on a full disk: the probe writes a page's worth.</remarks>
    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        await _db.Gate.WaitAsync(cancellationToken);
        try
        {
            _db.EnsureFile();
            await using (var transaction = await _db.Connection.BeginTransactionAsync(cancellationToken))
            {
                await _db.ExecuteAsync(transaction, "INSERT INTO write_probe (data) VALUES (zeroblob(4096)); DELETE FROM write_probe;", cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            if ((await StoreUsageTable.ReadAsync(_db.Connection, null, cancellationToken)).Total + 4096 > _budgets.Total)
            {
                throw StoreBudgetException.For(probation: false, _budgets);
            }
        }
        finally
        {
            _db.Gate.Release();
        }
    }

    public void Dispose()
    {
        _pending.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>Marks the oldest event of <paramref name="orderingKey"/>'s alert as its head; returns its id (0: none left).</summary>
    internal static async Task<long> PromoteHeadAsync(SqliteDatabase db, DbTransaction transaction, string orderingKey, CancellationToken cancellationToken)
    {
        var head = await db.ScalarAsync<long>(transaction, "SELECT MIN(id) FROM outbox WHERE ordering_key = $ordering", cancellationToken, ("$ordering", orderingKey));
        if (head != 0)
        {
            await db.ExecuteAsync(transaction, "UPDATE outbox SET is_head = 1 WHERE id = $id AND is_head = 0", cancellationToken, ("$id", head));
        }

        return head;
    }

    /// <summary>
    /// The group commit: one writer drains what requests handed over and commits up to <see cref="MaxBatch"/> events
    /// at once. Microsoft.Data.Sqlite's asynchronous calls run synchronously underneath (an embedded file has no
    /// network to wait on), so this writer, not the request, spends the thread each commit's fsync takes; every other
    /// call holds the file's <see cref="SqliteDatabase.Gate"/> for a few statements on a local file.
    /// </summary>
    private async Task WriteBatchesAsync()
    {
        var batch = new List<PendingEnqueue>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                var results = new (long Id, bool Claimed)?[batch.Count];
                await _db.Gate.WaitAsync();
                try
                {
                    _db.EnsureFile();
                    await using (var transaction = await _db.Connection.BeginTransactionAsync())
                    {
                        for (var i = 0; i < batch.Count; i++)
                        {
                            results[i] = await InsertWithinBudgetAsync(transaction, batch[i]);
                        }

                        await transaction.CommitAsync();
                    }

                    // Deleted since the check above: what was committed is in a file nobody can see; say so (503) unless
                    // a file is back at the path, into which it is carried.
                    _db.EnsureFile();
                }
                finally
                {
                    _db.Gate.Release();
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Complete(results[i], _budgets);
                }
            }
            catch (Exception ex)
            {
                // Nothing of the batch was committed: every caller learns so (and answers its client with an error).
                batch.ForEach(item => item.Done.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    /// <summary>The event stored (and claimed if it may be), or null when that would exceed a budget (then nothing of it is).</summary>
    private async Task<(long Id, bool Claimed)?> InsertWithinBudgetAsync(DbTransaction transaction, PendingEnqueue pending)
    {
        const string Savepoint = "enqueue";
        await transaction.SaveAsync(Savepoint);
        var id = await OutboxTable.InsertAsync(_db.Connection, transaction, pending.Message, CancellationToken.None);
        var usage = await StoreUsageTable.ReadAsync(_db.Connection, transaction, CancellationToken.None);
        if (usage.Total > _budgets.Total || (pending.Message.Probation && usage.Probation > _budgets.Probation))
        {
            await transaction.RollbackAsync(Savepoint);
            await transaction.ReleaseAsync(Savepoint);
            return null;
        }

        await transaction.ReleaseAsync(Savepoint);
        var claimed = await PromoteHeadAsync(_db, transaction, pending.Message.OrderingKey, CancellationToken.None) == id && pending.ClaimUntil is { } until
            && await _db.ExecuteAsync(transaction, $"UPDATE outbox SET locked_until = $until WHERE id = $id AND {OneInFlight}", CancellationToken.None,
                ("$until", until.ToUnixTimeMilliseconds()), ("$id", id), ("$now", pending.Message.CreatedAt.ToUnixTimeMilliseconds())) == 1;
        return (id, claimed);
    }

    /// <summary>An event of a key on probation is claimed only while no other event of its key is (one in flight until ilert answers).</summary>
    private const string OneInFlight =
        "(probation = 0 OR NOT EXISTS (SELECT 1 FROM outbox other WHERE other.pacing_key = outbox.pacing_key AND other.id <> outbox.id AND other.locked_until >= $now))";
}
