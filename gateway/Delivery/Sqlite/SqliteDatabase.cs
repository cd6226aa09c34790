using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary>
/// The outbox database file: one connection, serialized by <see cref="Gate"/> (the gateway is the file's only user:
/// SQLite's exclusive locking mode, held for the connection's life), WAL with <c>synchronous=FULL</c> (a committed
/// write survives a crash of the process or the machine), a size budget, and versioned migrations
/// (<c>PRAGMA user_version</c>). The tables belong to <see cref="SqliteOutbox"/> and <see cref="SqliteDeadLetterStore"/>.
/// </summary>
internal sealed partial class SqliteDatabase : IDisposable
{
    /// <summary>Each migration (its statements) runs once, in order, in one transaction with the version it brings.</summary>
    private static readonly string[][] Migrations =
    [
        // 1: the schema as it was before versioning, created or completed (earlier files lack the last two columns), and
        // ilert's refusals renamed: they were "rejected" before refused requests were kept under that name.
        ["""
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT, route TEXT NOT NULL, cluster TEXT NOT NULL, ordering_key TEXT NOT NULL,
            pacing_key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL,
            created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
            locked_until INTEGER, last_error TEXT, last_status INTEGER);
        CREATE TABLE IF NOT EXISTS dead_letters (
            id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, reason TEXT NOT NULL, route TEXT NOT NULL, cluster TEXT,
            ordering_key TEXT, pacing_key TEXT, method TEXT NOT NULL, path TEXT NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL,
            route_values TEXT NOT NULL, created_at INTEGER NOT NULL, dead_at INTEGER NOT NULL, attempts INTEGER NOT NULL, last_status INTEGER);
        CREATE TABLE IF NOT EXISTS write_probe (data BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS outbox_by_key ON outbox (ordering_key, id);
        CREATE INDEX IF NOT EXISTS outbox_by_due ON outbox (next_attempt_at);
        UPDATE dead_letters SET kind = 'ilert-rejected' WHERE kind = 'rejected' AND ordering_key IS NOT NULL;
        """],
        // 2: the W3C trace context of the request that queued an event, and is_head, the mark of the oldest event of
        // each alert (the only one that may be attempted): the worker's queries look at heads only.
        [
            "ALTER TABLE outbox ADD COLUMN trace_parent TEXT",
            "ALTER TABLE outbox ADD COLUMN is_head INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX IF NOT EXISTS outbox_heads ON outbox (is_head, next_attempt_at)",
        ],
    ];

    public SqliteDatabase(IOptions<DeliveryOptions> options, IHostEnvironment environment, ILogger<SqliteDatabase> logger)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DatabasePath, environment.ContentRootPath);
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            // A short busy timeout: the only contention there can be is another process holding the file.
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 2 }.ToString());
            connection.Open();
            Connection = connection;
            // One gateway per outbox: the exclusive lock is taken now and held until the OS closes the file.
            Execute(null, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");
            Execute(null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            Execute(null, $"PRAGMA max_page_count = {Math.Max(16, options.Value.MaxOutboxBytes / Scalar<long>(null, "PRAGMA page_size"))};");
            Migrate();
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
                """);
        }
        catch (SqliteException ex)
        {
            Log.UpkeepSkipped(logger, Path, ex.Message);
        }
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Held around every use of <see cref="Connection"/>.</summary>
    public Lock Gate { get; } = new();

    public SqliteConnection Connection { get; }

    /// <summary>The schema version this file is at (the number of migrations applied).</summary>
    public long Version => Scalar<long>(null, "PRAGMA user_version");

    public void Dispose() => Connection.Dispose();

    private void Migrate()
    {
        for (var version = Version; version < Migrations.Length; version++)
        {
            using var transaction = Connection.BeginTransaction();
            foreach (var statement in Migrations[version])
            {
                // A column an earlier, unversioned file already has is not added twice.
                if (statement.StartsWith("ALTER TABLE outbox ADD COLUMN ", StringComparison.Ordinal)
                    && Scalar<long>(transaction, "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = $name", ("$name", statement.Split(' ')[5])) > 0)
                {
                    continue;
                }

                Execute(transaction, statement);
            }

            Execute(transaction, $"PRAGMA user_version = {version + 1}");
            transaction.Commit();
        }
    }

    public int Execute(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        StoreRows.Execute(Connection, transaction, sql, parameters);

    public T Scalar<T>(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        StoreRows.Scalar<T>(Connection, transaction, sql, parameters);

    public List<T> Query<T>(SqliteTransaction? transaction, string sql, Func<System.Data.Common.DbDataReader, T> read, params (string Name, object? Value)[] parameters) =>
        StoreRows.Query(Connection, transaction, sql, read, parameters);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Outbox {Path}: start-up upkeep skipped ({Error}); it is done at the next start")]
        public static partial void UpkeepSkipped(ILogger logger, string path, string error);
    }
}
