using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary>
/// The outbox database file: one connection, serialized by <see cref="Gate"/> (the gateway is the file's only user:
/// SQLite's exclusive locking mode, held for the connection's life), WAL with <c>synchronous=FULL</c> (a committed
/// write survives a crash of the process or the machine), a size budget, and versioned migrations
/// (<see cref="SqliteMigrations"/>). The file is the file: before anything is acknowledged as stored, the path must
/// still name the file held open (<see cref="EnsureFile"/>). The tables belong to <see cref="SqliteOutbox"/> and
/// <see cref="SqliteDeadLetterStore"/>.
/// </summary>
internal sealed partial class SqliteDatabase : IStoreDatabase, IDisposable
{
    private readonly long _maxOutboxBytes;
    private readonly ILogger<SqliteDatabase> _logger;
    private DatabaseFileIdentity _file;

    public SqliteDatabase(IOptions<DeliveryOptions> options, IHostEnvironment environment, ILogger<SqliteDatabase> logger)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DatabasePath, environment.ContentRootPath);
        _maxOutboxBytes = options.Value.MaxOutboxBytes;
        _logger = logger;
        (Connection, _file) = OpenFile();
        try
        {
            // Upkeep that needs room to write (with the disk full it waits for the next start; all of it is safe to skip):
            // attempts in flight when the process stopped are free to retry now, and is_head is recomputed so it is exact.
#pragma warning disable RS0030 // At start, before the host serves: nothing waits on this thread but the start.
            StoreSql.Execute(Connection, null, """
                UPDATE outbox SET locked_until = NULL WHERE locked_until IS NOT NULL;
                UPDATE outbox SET is_head = (id IN (SELECT MIN(id) FROM outbox GROUP BY ordering_key));
                """);
#pragma warning restore RS0030
        }
        catch (SqliteException ex)
        {
            Log.UpkeepSkipped(logger, Path, ex.Message);
        }
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Held around every use of <see cref="Connection"/>: a semaphore, not a lock, since a use awaits the connection's
    /// asynchronous calls while holding it.
    /// </summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The open file's connection (another one when a file put back at <see cref="Path"/> was opened: <see cref="EnsureFile"/>).</summary>
    public SqliteConnection Connection { get; private set; }

    /// <summary>The schema version this file is at (the number of migrations applied): for tests, never on a request.</summary>
    public long Version => SqliteMigrations.VersionOf(Connection);

    /// <summary>Closes the file, after any work in progress on it (a request's last write can end after the host stops).</summary>
    public void Dispose()
    {
        Gate.Wait();
        try
        {
            Connection.Dispose();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on <see cref="Connection"/>, holding <see cref="Gate"/>.</summary>
    public async Task<T> UseAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return await work(Connection);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction on <see cref="Connection"/>, holding <see cref="Gate"/>: committed
    /// when it completes, rolled back when it throws. With <paramref name="ensureFile"/>, the file is checked to be the
    /// one at <see cref="Path"/> first (<see cref="EnsureFile"/>).
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<SqliteConnection, System.Data.Common.DbTransaction, Task<T>> work, bool ensureFile, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (ensureFile)
            {
                EnsureFile();
            }

            await using var transaction = await Connection.BeginTransactionAsync(cancellationToken);
            var result = await work(Connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            Gate.Release();
        }
    }

    public Task<T> InTransactionAsync<T>(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        InTransactionAsync<T>((connection, transaction) => work(connection, transaction), ensureFile: true, cancellationToken);

    public Task<T> ReadAsync<T>(Func<System.Data.Common.DbConnection, Task<T>> work, CancellationToken cancellationToken) =>
        UseAsync<T>(connection => work(connection), cancellationToken);

    /// <summary>
    /// Under <see cref="Gate"/>, before anything is acknowledged as stored: throws <see cref="OutboxUnavailableException"/>
    /// when <see cref="Path"/> no longer names the file this gateway has open (deleted or replaced under it) and no file
    /// is there; when one is (put back, or the replacement), opens it and carries over every row of the old one
    /// (<see cref="SqliteSalvage"/>), so that nothing acknowledged is lost.
    /// </summary>
    public void EnsureFile()
    {
        if (_file.PathNamesOpenFile())
        {
            return;
        }

        if (!File.Exists(Path))
        {
            throw new OutboxUnavailableException(
                $"The outbox file {Path} was deleted under the running gateway: events are refused (503) until a file is at that path again "
                + "(restore it, or an empty file), which the gateway then opens, carrying over the events it still holds.");
        }

        var (connection, file) = OpenFile();
        long events, deadLetters;
        try
        {
            (events, deadLetters) = SqliteSalvage.CarryOver(Connection, connection);
        }
        catch
        {
            // Not opened after all: its lock is let go, and the next check tries again.
            connection.Dispose();
            throw;
        }

        Connection.Dispose();
        (Connection, _file) = (connection, file);
        Log.Reopened(_logger, Path, events, deadLetters);
    }

    /// <summary>
    /// Opens the file at <see cref="Path"/> for this gateway alone (SQLite's exclusive locking mode, held for the
    /// connection's life), WAL with <c>synchronous=FULL</c> (a committed write survives a crash of the process or the
    /// machine), the size budget, migrated.
    /// </summary>
    private (SqliteConnection Connection, DatabaseFileIdentity File) OpenFile()
    {
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var canonical = DatabaseFileIdentity.CanonicalPath(Path);
            // A short busy timeout: the only contention there can be is another process holding the file.
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 2 }.ToString());
            // Synchronous: at start, before the host serves, or once when a file was put back at the path (under the Gate,
            // rare); Microsoft.Data.Sqlite's asynchronous calls would run synchronously on this thread all the same.
#pragma warning disable RS0030 // Opening and migrating an embedded file, as said above.
            connection.Open();
            // One gateway per outbox: the exclusive lock is taken now and held until the OS closes the file.
            StoreSql.Execute(connection, null, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");
            StoreSql.Execute(connection, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            // The budgets count rows (StoreBudgets); the file is capped a quarter above them, for its indexes and free
            // pages, and for its own schema: a backstop that a full disk cannot bring closer.
            var pageSize = StoreSql.Scalar<long>(connection, null, "PRAGMA page_size");
            StoreSql.Execute(connection, null, $"PRAGMA max_page_count = {(_maxOutboxBytes + _maxOutboxBytes / 4) / pageSize + 64};");
            SqliteMigrations.Apply(connection);
#pragma warning restore RS0030
            return (connection, DatabaseFileIdentity.Find(Path, canonical));
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
        catch (Exception ex) when (ex is SqliteException { SqliteErrorCode: 3 or 8 or 10 or 11 or 13 or 14 or 26 } or IOException or UnauthorizedAccessException)
        {
            // The file or its folder (SQLITE_PERM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB): said to the operator.
            // Any other SQLite error here (a migration's SQL) is the gateway's own fault and keeps its stack.
            connection?.Dispose();
            throw new OutboxUnavailableException($"The outbox database {Path} could not be opened: {ex.Message}", ex);
        }
    }

    public Task<int> ExecuteAsync(System.Data.Common.DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        StoreSql.ExecuteAsync(Connection, transaction, sql, cancellationToken, parameters);

    public Task<T> ScalarAsync<T>(System.Data.Common.DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        StoreSql.ScalarAsync<T>(Connection, transaction, sql, cancellationToken, parameters);

    public Task<List<T>> QueryAsync<T>(System.Data.Common.DbTransaction? transaction, string sql, Func<System.Data.Common.DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        StoreSql.QueryAsync(Connection, transaction, sql, read, cancellationToken, parameters);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Outbox {Path}: start-up upkeep skipped ({Error}); it is done at the next start")]
        public static partial void UpkeepSkipped(ILogger logger, string path, string error);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Outbox {Path} was replaced under the running gateway: the file now at that path is open, with {Events} events and {DeadLetters} dead letters carried over from the one that was")]
        public static partial void Reopened(ILogger logger, string path, long events, long deadLetters);
    }
}
