using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The outbox and dead letters in SQLite (WAL, <c>synchronous=FULL</c>: a committed insert survives a crash of the
/// process or the machine). One connection, serialized: the gateway is the database's only user.
/// </summary>
internal sealed partial class OutboxStore : IDisposable
{
    private const string Columns = "id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, next_attempt_at, last_error, last_status, trace_parent";
    private const string DeadColumns = "id, kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status";

    private const int MaxBatch = 256;

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly Channel<PendingEnqueue> _pending = Channel.CreateUnbounded<PendingEnqueue>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public OutboxStore(IOptions<DeliveryOptions> options, IHostEnvironment environment, ILogger<OutboxStore> logger)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DatabasePath, environment.ContentRootPath);
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            // A short busy timeout: the only contention there can be is another process holding the file.
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 2 }.ToString());
            connection.Open();
            _connection = connection;
            TakeExclusively();
            CreateSchema(options.Value.MaxOutboxBytes);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            // SQLITE_BUSY / SQLITE_LOCKED: another gateway holds it. Two on one file would clear each other's claims and
            // send events twice.
            connection?.Dispose();
            throw new OutboxUnavailableException(
                $"The outbox {Path} is in use by another gateway process. Run one gateway per outbox: stop the other one, "
                + "or give this one its own Gateway:Delivery:DatabasePath.", ex);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw new OutboxUnavailableException($"The outbox database {Path} could not be opened: {ex.Message}", ex);
        }

        try
        {
            // Upkeep that needs room to write (with the disk full it waits for the next start; all of it is safe to skip):
            // attempts in flight when the process stopped are free to retry now, and is_head is recomputed so it is exact.
            Execute(null, """
                UPDATE outbox SET locked_until = NULL WHERE locked_until IS NOT NULL;
                UPDATE outbox SET is_head = (id IN (SELECT MIN(id) FROM outbox GROUP BY ordering_key));
                -- ilert's refusals were "rejected" before refused requests were kept under that name.
                UPDATE dead_letters SET kind = 'ilert-rejected' WHERE kind = 'rejected' AND ordering_key IS NOT NULL;
                """);
        }
        catch (SqliteException ex)
        {
            Log.UpkeepSkipped(logger, Path, ex.Message);
        }

        _writer = Task.Run(WriteBatchesAsync);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// One gateway per outbox: SQLite's exclusive locking mode, with the exclusive lock taken now and held for the
    /// connection's life (the OS releases it when the process ends, however it ends).
    /// </summary>
    private void TakeExclusively() => Execute(null, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");

    private void CreateSchema(long maxBytes)
    {
        Execute(null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
        var pageSize = Scalar<long>(null, "PRAGMA page_size");
        Execute(null, $"""
            PRAGMA max_page_count = {Math.Max(16, maxBytes / pageSize)};
            CREATE TABLE IF NOT EXISTS outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT, route TEXT NOT NULL, cluster TEXT NOT NULL, ordering_key TEXT NOT NULL,
                pacing_key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL,
                created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
                locked_until INTEGER, last_error TEXT, last_status INTEGER, trace_parent TEXT, is_head INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS outbox_by_key ON outbox (ordering_key, id);
            CREATE INDEX IF NOT EXISTS outbox_by_due ON outbox (next_attempt_at);
            CREATE TABLE IF NOT EXISTS dead_letters (
                id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, reason TEXT NOT NULL, route TEXT NOT NULL, cluster TEXT,
                ordering_key TEXT, pacing_key TEXT, method TEXT NOT NULL, path TEXT NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL,
                route_values TEXT NOT NULL, created_at INTEGER NOT NULL, dead_at INTEGER NOT NULL, attempts INTEGER NOT NULL, last_status INTEGER);
            CREATE TABLE IF NOT EXISTS write_probe (data BLOB NOT NULL);
            """);
        // Outboxes written by earlier versions lack the newer columns.
        if (Scalar<long>(null, "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = 'trace_parent'") == 0)
        {
            Execute(null, "ALTER TABLE outbox ADD COLUMN trace_parent TEXT");
        }

        if (Scalar<long>(null, "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = 'is_head'") == 0)
        {
            Execute(null, "ALTER TABLE outbox ADD COLUMN is_head INTEGER NOT NULL DEFAULT 0");
        }

        // is_head marks the oldest event of each alert, the only one that may be attempted: the worker's queries
        // then look at heads only, however deep one alert's backlog is.
        Execute(null, "CREATE INDEX IF NOT EXISTS outbox_heads ON outbox (is_head, next_attempt_at)");
    }

    /// <summary>
    /// Stores <paramref name="message"/> and, when it is the oldest pending event of its alert and
    /// <paramref name="mayAttempt"/> agrees (its key's pace), claims it for an immediate attempt until
    /// <paramref name="lockUntil"/>. Returns its id and whether it was claimed, once the event is committed.
    /// Concurrent calls are committed together (group commit): one fsync for a batch, not one per event.
    /// </summary>
    public Task<(long Id, bool Claimed)> EnqueueAsync(OutboxMessage message, DateTimeOffset lockUntil, Func<bool> mayAttempt)
    {
        var done = new TaskCompletionSource<(long Id, bool Claimed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite(new PendingEnqueue(message, lockUntil, mayAttempt, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(OutboxStore)));
        }

        return done.Task;
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
                var results = new (long Id, bool Claimed)[batch.Count];
                lock (_gate)
                {
                    using var transaction = _connection.BeginTransaction();
                    for (var i = 0; i < batch.Count; i++)
                    {
                        results[i] = Insert(transaction, batch[i]);
                    }

                    transaction.Commit();
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.SetResult(results[i]);
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

    private (long Id, bool Claimed) Insert(SqliteTransaction transaction, PendingEnqueue pending)
    {
        var id = InsertMessage(transaction, pending.Message);
        var claimed = PromoteHead(transaction, pending.Message.OrderingKey) == id && pending.MayAttempt();
        if (claimed)
        {
            Execute(transaction, "UPDATE outbox SET locked_until = $until WHERE id = $id", ("$until", pending.LockUntil.ToUnixTimeMilliseconds()), ("$id", id));
        }

        return (id, claimed);
    }

    /// <summary>Adds an event to the outbox, due at its creation time; returns its id. Heads are promoted by the caller.</summary>
    private long InsertMessage(SqliteTransaction transaction, OutboxMessage message) => Scalar<long>(transaction, """
        INSERT INTO outbox (route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, next_attempt_at, trace_parent)
        VALUES ($route, $cluster, $ordering, $pacing, $method, $path, $headers, $body, $created, $attempts, $created, $trace);
        SELECT last_insert_rowid();
        """,
        ("$route", message.Route), ("$cluster", message.Cluster), ("$ordering", message.OrderingKey), ("$pacing", message.PacingKey),
        ("$method", message.Method), ("$path", message.PathAndQuery), ("$headers", JsonSerializer.Serialize(message.Headers)),
        ("$body", message.Body), ("$created", message.CreatedAt.ToUnixTimeMilliseconds()), ("$attempts", message.Attempts), ("$trace", message.TraceParent));

    /// <summary>The events due now that are the oldest of their alert and not being attempted, oldest first.</summary>
    public IReadOnlyList<OutboxMessage> Due(DateTimeOffset now, int limit)
    {
        lock (_gate)
        {
            return Query(null, $"""
                SELECT {Columns} FROM outbox
                WHERE is_head = 1 AND next_attempt_at <= $now AND (locked_until IS NULL OR locked_until < $now)
                ORDER BY id LIMIT $limit
                """, ReadMessage, ("$now", now.ToUnixTimeMilliseconds()), ("$limit", limit));
        }
    }

    /// <summary>When the next event that heads its alert may be attempted (due and not locked), if any.</summary>
    public DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            var next = Scalar<long?>(null, """
                SELECT MIN(MAX(next_attempt_at, COALESCE(locked_until, 0))) FROM outbox WHERE is_head = 1
                """);
            return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        }
    }

    public bool TryClaim(long id, DateTimeOffset now, DateTimeOffset until)
    {
        lock (_gate)
        {
            return Execute(null, "UPDATE outbox SET locked_until = $until WHERE id = $id AND (locked_until IS NULL OR locked_until < $now)",
                ("$until", until.ToUnixTimeMilliseconds()), ("$id", id), ("$now", now.ToUnixTimeMilliseconds())) == 1;
        }
    }

    /// <summary>Delivered (or handed back to the client): gone from the outbox.</summary>
    public void Remove(long id)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            if (Query(transaction, "DELETE FROM outbox WHERE id = $id RETURNING ordering_key", r => r.GetString(0), ("$id", id)).FirstOrDefault() is { } orderingKey)
            {
                PromoteHead(transaction, orderingKey);
            }

            transaction.Commit();
        }
    }

    /// <summary>A failed attempt: counted, and due again at <paramref name="nextAttempt"/>.</summary>
    public void Reschedule(long id, DateTimeOffset nextAttempt, string error, int? status)
    {
        lock (_gate)
        {
            Execute(null, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $next, locked_until = NULL, last_error = $error, last_status = $status WHERE id = $id",
                ("$next", nextAttempt.ToUnixTimeMilliseconds()), ("$error", error), ("$status", status), ("$id", id));
        }
    }

    /// <summary>Moves an outbox event to the dead letters (one transaction).</summary>
    public void Bury(OutboxMessage message, string kind, string reason, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Insert(transaction, DeadLetter.FromMessage(message, kind, reason, now));
            Execute(transaction, "DELETE FROM outbox WHERE id = $id", ("$id", message.Id));
            PromoteHead(transaction, message.OrderingKey);
            transaction.Commit();
        }
    }

    public long AddDeadLetter(DeadLetter deadLetter)
    {
        lock (_gate)
        {
            return Insert(null, deadLetter);
        }
    }

    /// <summary>Moves a delivery dead letter back into the outbox, behind its alert's pending events.</summary>
    public long Requeue(DeadLetter deadLetter, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var message = deadLetter.ToMessage(now);
            var id = InsertMessage(transaction, message);
            PromoteHead(transaction, message.OrderingKey);
            Execute(transaction, "DELETE FROM dead_letters WHERE id = $id", ("$id", deadLetter.Id));
            transaction.Commit();
            return id;
        }
    }

    public bool DeleteDeadLetter(long id)
    {
        lock (_gate)
        {
            return Execute(null, "DELETE FROM dead_letters WHERE id = $id", ("$id", id)) == 1;
        }
    }

    public void UpdateDeadLetterReason(long id, string reason, DateTimeOffset now)
    {
        lock (_gate)
        {
            Execute(null, "UPDATE dead_letters SET reason = $reason, dead_at = $now, attempts = attempts + 1 WHERE id = $id", ("$reason", reason), ("$now", now.ToUnixTimeMilliseconds()), ("$id", id));
        }
    }

    public IReadOnlyList<OutboxMessage> ListOutbox(int limit)
    {
        lock (_gate)
        {
            return Query(null, $"SELECT {Columns} FROM outbox ORDER BY id LIMIT $limit", ReadMessage, ("$limit", limit));
        }
    }

    public IReadOnlyList<DeadLetter> ListDeadLetters(int limit)
    {
        lock (_gate)
        {
            return Query(null, $"SELECT {DeadColumns} FROM dead_letters ORDER BY id LIMIT $limit", ReadDeadLetter, ("$limit", limit));
        }
    }

    public DeadLetter? GetDeadLetter(long id)
    {
        lock (_gate)
        {
            return Query(null, $"SELECT {DeadColumns} FROM dead_letters WHERE id = $id", ReadDeadLetter, ("$id", id)).FirstOrDefault();
        }
    }

    /// <summary>Outbox depth, the oldest pending event's creation time, and the dead-letter count.</summary>
    public (long Depth, DateTimeOffset? Oldest, long DeadLetters) Stats()
    {
        lock (_gate)
        {
            var depth = Scalar<long>(null, "SELECT COUNT(*) FROM outbox");
            var oldest = Scalar<long?>(null, "SELECT MIN(created_at) FROM outbox");
            var dead = Scalar<long>(null, "SELECT COUNT(*) FROM dead_letters");
            return (depth, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null, dead);
        }
    }

    /// <summary>
    /// Writes and commits an event-sized row, then removes it: throws when the outbox could not take an event now (a
    /// full disk or outbox, a read-only or vanished file). Taking the write lock alone succeeds on a full disk.
    /// </summary>
    public void CheckWritable()
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Execute(transaction, "INSERT INTO write_probe (data) VALUES (zeroblob(4096)); DELETE FROM write_probe;");
            transaction.Commit();
        }
    }

    public void Dispose()
    {
        _pending.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
        _connection.Dispose();
    }

    private long Insert(SqliteTransaction? transaction, DeadLetter d) => Scalar<long>(transaction, """
        INSERT INTO dead_letters (kind, reason, route, cluster, ordering_key, pacing_key, method, path, headers, body, route_values, created_at, dead_at, attempts, last_status)
        VALUES ($kind, $reason, $route, $cluster, $ordering, $pacing, $method, $path, $headers, $body, $values, $created, $dead, $attempts, $status);
        SELECT last_insert_rowid();
        """,
        ("$kind", d.Kind), ("$reason", d.Reason), ("$route", d.Route), ("$cluster", d.Cluster), ("$ordering", d.OrderingKey), ("$pacing", d.PacingKey),
        ("$method", d.Method), ("$path", d.PathAndQuery), ("$headers", JsonSerializer.Serialize(d.Headers)), ("$body", d.Body),
        ("$values", JsonSerializer.Serialize(d.RouteValues)), ("$created", d.CreatedAt.ToUnixTimeMilliseconds()), ("$dead", d.DeadAt.ToUnixTimeMilliseconds()),
        ("$attempts", d.Attempts), ("$status", d.LastStatus));

    /// <summary>Marks the oldest event of <paramref name="orderingKey"/>'s alert as its head; returns its id (0: none left).</summary>
    private long PromoteHead(SqliteTransaction transaction, string orderingKey)
    {
        var head = Scalar<long>(transaction, "SELECT MIN(id) FROM outbox WHERE ordering_key = $ordering", ("$ordering", orderingKey));
        if (head != 0)
        {
            Execute(transaction, "UPDATE outbox SET is_head = 1 WHERE id = $id AND is_head = 0", ("$id", head));
        }

        return head;
    }

    private sealed record PendingEnqueue(OutboxMessage Message, DateTimeOffset LockUntil, Func<bool> MayAttempt, TaskCompletionSource<(long Id, bool Claimed)> Done);

    private static OutboxMessage ReadMessage(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        Strings(r.GetString(7)), (byte[])r[8], Time(r.GetInt64(9)), r.GetInt32(10), Time(r.GetInt64(11)),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetInt32(13), r.IsDBNull(14) ? null : r.GetString(14));

    private static DeadLetter ReadDeadLetter(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetString(8), Strings(r.GetString(9)), (byte[])r[10], Strings(r.GetString(11)),
        Time(r.GetInt64(12)), Time(r.GetInt64(13)), r.GetInt32(14), r.IsDBNull(15) ? null : r.GetInt32(15));

    private static Dictionary<string, string> Strings(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    private int Execute(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private T Scalar<T>(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private List<T> Query<T>(SqliteTransaction? transaction, string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var results = new List<T>();
        while (reader.Read())
        {
            results.Add(read(reader));
        }

        return results;
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Outbox {Path}: start-up upkeep skipped ({Error}); it is done at the next start")]
        public static partial void UpkeepSkipped(ILogger logger, string path, string error);
    }
}
