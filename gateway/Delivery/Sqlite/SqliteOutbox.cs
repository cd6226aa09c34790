using System.Threading.Channels;
using Microsoft.Data.Sqlite;
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

    public Task<(long Id, bool Claimed)> EnqueueAsync(OutboxMessage message, DateTimeOffset? claimUntil)
    {
        var done = new TaskCompletionSource<(long Id, bool Claimed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite(new PendingEnqueue(message, claimUntil, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(SqliteOutbox)));
        }

        return done.Task;
    }

    public IReadOnlyList<OutboxMessage> Due(DateTimeOffset now, int limit, DueFilter filter)
    {
        lock (_db.Gate)
        {
            return _db.Query(null, $"""
                SELECT {Columns} FROM outbox JOIN (
                    SELECT id AS head, ROW_NUMBER() OVER (PARTITION BY pacing_key ORDER BY id) AS turn FROM outbox
                    WHERE is_head = 1 AND next_attempt_at <= $now AND (locked_until IS NULL OR locked_until < $now)
                        AND (probation = 0 OR $probation) AND pacing_key NOT IN (SELECT value FROM json_each($skip))
                ) ON id = head
                WHERE turn <= $perKey
                ORDER BY probation, turn, id LIMIT $limit
                """, OutboxTable.Read, ("$now", now.ToUnixTimeMilliseconds()), ("$probation", filter.Probation),
                ("$skip", System.Text.Json.JsonSerializer.Serialize(filter.SkipKeys)), ("$perKey", filter.PerKey), ("$limit", limit));
        }
    }

    public DateTimeOffset? NextDue()
    {
        lock (_db.Gate)
        {
            var next = _db.Scalar<long?>(null, "SELECT MIN(MAX(next_attempt_at, COALESCE(locked_until, 0))) FROM outbox WHERE is_head = 1");
            return next is { } ms ? StoreSql.Time(ms) : null;
        }
    }

    public bool TryClaim(long id, DateTimeOffset now, DateTimeOffset until)
    {
        lock (_db.Gate)
        {
            return _db.Execute(null, $"UPDATE outbox SET locked_until = $until WHERE id = $id AND (locked_until IS NULL OR locked_until < $now) AND {OneInFlight}",
                ("$until", until.ToUnixTimeMilliseconds()), ("$id", id), ("$now", now.ToUnixTimeMilliseconds())) == 1;
        }
    }

    public void Release(long id)
    {
        lock (_db.Gate)
        {
            _db.Execute(null, "UPDATE outbox SET locked_until = NULL WHERE id = $id", ("$id", id));
        }
    }

    public void Remove(long id)
    {
        lock (_db.Gate)
        {
            using var transaction = _db.Connection.BeginTransaction();
            if (_db.Query(transaction, "DELETE FROM outbox WHERE id = $id RETURNING ordering_key", r => r.GetString(0), ("$id", id)).FirstOrDefault() is { } orderingKey)
            {
                PromoteHead(_db, transaction, orderingKey);
            }

            transaction.Commit();
        }
    }

    public void Reschedule(long id, DateTimeOffset nextAttempt, string error, int? status)
    {
        lock (_db.Gate)
        {
            _db.Execute(null, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $next, locked_until = NULL, last_error = $error, last_status = $status WHERE id = $id",
                ("$next", nextAttempt.ToUnixTimeMilliseconds()), ("$error", error), ("$status", status), ("$id", id));
        }
    }

    public void MoveToDeadLetters(OutboxMessage message, string kind, string reason, DateTimeOffset now)
    {
        lock (_db.Gate)
        {
            using var transaction = _db.Connection.BeginTransaction();
            var deadLetter = DeadLetterTable.Insert(_db.Connection, transaction, DeadLetter.FromMessage(message, kind, reason, now));
            _db.Execute(transaction, "DELETE FROM outbox WHERE id = $id", ("$id", message.Id));
            PromoteHead(_db, transaction, message.OrderingKey);
            DeadLetterTable.Prune(_db.Connection, transaction, _budgets, deadLetter);
            transaction.Commit();
        }
    }

    public IReadOnlyList<OutboxMessage> List(int limit)
    {
        lock (_db.Gate)
        {
            return _db.Query(null, $"SELECT {StoreSql.WithoutBody(Columns, "x''")} FROM outbox ORDER BY id LIMIT $limit", OutboxTable.Read, ("$limit", limit));
        }
    }

    public StoreUsage Usage()
    {
        lock (_db.Gate)
        {
            return StoreUsageTable.Read(_db.Connection, null);
        }
    }

    /// <remarks>One gateway per file: every lease is this process's.</remarks>
    public IReadOnlyList<Lease> Leases(DateTimeOffset now)
    {
        lock (_db.Gate)
        {
            return _db.Query(null, "SELECT id, route, locked_until FROM outbox WHERE locked_until >= $now ORDER BY id",
                r => new Lease(r.GetInt64(0), r.GetString(1), _replica.Name, StoreSql.Time(r.GetInt64(2))), ("$now", now.ToUnixTimeMilliseconds()));
        }
    }

    public (long Depth, DateTimeOffset? Oldest) Stats()
    {
        lock (_db.Gate)
        {
            var depth = _db.Scalar<long>(null, "SELECT COUNT(*) FROM outbox");
            var oldest = _db.Scalar<long?>(null, "SELECT MIN(created_at) FROM outbox");
            return (depth, oldest is { } ms ? StoreSql.Time(ms) : null);
        }
    }

    /// <remarks>Taking the write lock alone succeeds on a full disk: the probe writes a page's worth.</remarks>
    public void CheckWritable()
    {
        lock (_db.Gate)
        {
            _db.EnsureFile();
            using var transaction = _db.Connection.BeginTransaction();
            _db.Execute(transaction, "INSERT INTO write_probe (data) VALUES (zeroblob(4096)); DELETE FROM write_probe;");
            transaction.Commit();
            if (StoreUsageTable.Read(_db.Connection, null).Total + 4096 > _budgets.Total)
            {
                throw StoreBudgetException.For(probation: false, _budgets);
            }
        }
    }

    public void Dispose()
    {
        _pending.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>Marks the oldest event of <paramref name="orderingKey"/>'s alert as its head; returns its id (0: none left).</summary>
    internal static long PromoteHead(SqliteDatabase db, SqliteTransaction transaction, string orderingKey)
    {
        var head = db.Scalar<long>(transaction, "SELECT MIN(id) FROM outbox WHERE ordering_key = $ordering", ("$ordering", orderingKey));
        if (head != 0)
        {
            db.Execute(transaction, "UPDATE outbox SET is_head = 1 WHERE id = $id AND is_head = 0", ("$id", head));
        }

        return head;
    }

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
                lock (_db.Gate)
                {
                    _db.EnsureFile();
                    using var transaction = _db.Connection.BeginTransaction();
                    for (var i = 0; i < batch.Count; i++)
                    {
                        results[i] = InsertWithinBudget(transaction, batch[i]);
                    }

                    transaction.Commit();
                    // Deleted since the check above: what was committed is in a file nobody can see; say so (503) unless
                    // a file is back at the path, into which it is carried.
                    _db.EnsureFile();
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    if (results[i] is { } result)
                    {
                        batch[i].Done.SetResult(result);
                    }
                    else
                    {
                        batch[i].Done.SetException(StoreBudgetException.For(batch[i].Message.Probation, _budgets));
                    }
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
    private (long Id, bool Claimed)? InsertWithinBudget(SqliteTransaction transaction, PendingEnqueue pending)
    {
        const string Savepoint = "enqueue";
        transaction.Save(Savepoint);
        var id = OutboxTable.Insert(_db.Connection, transaction, pending.Message);
        var usage = StoreUsageTable.Read(_db.Connection, transaction);
        if (usage.Total > _budgets.Total || (pending.Message.Probation && usage.Probation > _budgets.Probation))
        {
            transaction.Rollback(Savepoint);
            transaction.Release(Savepoint);
            return null;
        }

        transaction.Release(Savepoint);
        var claimed = PromoteHead(_db, transaction, pending.Message.OrderingKey) == id && pending.ClaimUntil is { } until
            && _db.Execute(transaction, $"UPDATE outbox SET locked_until = $until WHERE id = $id AND {OneInFlight}",
                ("$until", until.ToUnixTimeMilliseconds()), ("$id", id), ("$now", pending.Message.CreatedAt.ToUnixTimeMilliseconds())) == 1;
        return (id, claimed);
    }

    /// <summary>An event of a key on probation is claimed only while no other event of its key is (one in flight until ilert answers).</summary>
    private const string OneInFlight =
        "(probation = 0 OR NOT EXISTS (SELECT 1 FROM outbox other WHERE other.pacing_key = outbox.pacing_key AND other.id <> outbox.id AND other.locked_until >= $now))";

    private sealed record PendingEnqueue(OutboxMessage Message, DateTimeOffset? ClaimUntil, TaskCompletionSource<(long Id, bool Claimed)> Done);
}
