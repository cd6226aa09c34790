using HaloIlertGateway.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// The shared PostgreSQL database of a cluster: a connection pool (Npgsql's data source) and versioned migrations,
/// applied under an advisory lock so that replicas starting together migrate once (<c>gateway_schema</c> keeps the
/// version). The database may be unreachable
/// at start or later: every use opens a connection, migrates first if that has not happened yet, and throws when it
/// cannot; callers turn that into a 503 and an Unhealthy readiness, and the next use tries again.
/// </summary>
internal sealed partial class PostgresDatabase : IStoreDatabase, IDisposable
{
    /// <summary>Any number, the same in every replica: the advisory lock migrations run under.</summary>
    private const long MigrationLock = 0x48616c6f_4d696772;

    /// <summary>Each migration runs once, in order, in one transaction with the version it brings.</summary>
    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE outbox (
            id BIGSERIAL PRIMARY KEY, route TEXT NOT NULL, cluster TEXT NOT NULL, ordering_key TEXT NOT NULL,
            pacing_key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, headers TEXT NOT NULL, body BYTEA NOT NULL,
            created_at BIGINT NOT NULL, attempts INT NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL,
            locked_until BIGINT, locked_by TEXT, last_error TEXT, last_status INT, trace_parent TEXT);
        CREATE INDEX outbox_by_key ON outbox (ordering_key, id);
        CREATE INDEX outbox_by_due ON outbox (next_attempt_at);
        CREATE TABLE dead_letters (
            id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, reason TEXT NOT NULL, route TEXT NOT NULL, cluster TEXT,
            ordering_key TEXT, pacing_key TEXT, method TEXT NOT NULL, path TEXT NOT NULL, headers TEXT NOT NULL, body BYTEA NOT NULL,
            route_values TEXT NOT NULL, created_at BIGINT NOT NULL, dead_at BIGINT NOT NULL, attempts INT NOT NULL, last_status INT);
        CREATE TABLE write_probe (data BYTEA NOT NULL);
        CREATE TABLE pacing_sends (pacing_key TEXT NOT NULL, sent_at BIGINT NOT NULL);
        CREATE INDEX pacing_sends_by_key ON pacing_sends (pacing_key, sent_at);
        CREATE TABLE pacing_pauses (pacing_key TEXT PRIMARY KEY, until BIGINT NOT NULL);
        """,
        // 2: the replicas' heartbeats, for the management API's view of the cluster.
        "CREATE TABLE replicas (id TEXT PRIMARY KEY, started_at BIGINT NOT NULL, seen_at BIGINT NOT NULL)",
        // 3: admission. A key's class on its events (probation) and dead letters (anonymous); the bytes each class of row
        // holds (store_usage, kept by triggers in shards per connection, so that concurrent writers do not queue on one
        // row); the classes ilert gave keys; the signatures already used. The space of pruned rows is reused only after a
        // vacuum: the tables that churn are vacuumed after a fixed number of removed rows, not a share of the table.
        $$"""
        ALTER TABLE outbox ADD COLUMN probation BOOLEAN NOT NULL DEFAULT false;
        ALTER TABLE dead_letters ADD COLUMN anonymous BOOLEAN NOT NULL DEFAULT false;
        CREATE INDEX outbox_by_pacing ON outbox (pacing_key, locked_until);
        CREATE INDEX dead_letters_by_class ON dead_letters (anonymous, id);
        CREATE INDEX dead_letters_by_age ON dead_letters (dead_at);
        CREATE TABLE store_usage (category TEXT NOT NULL, shard INT NOT NULL, bytes BIGINT NOT NULL, PRIMARY KEY (category, shard));
        INSERT INTO store_usage (category, shard, bytes) VALUES
            ('{{StoreUsageTable.Events}}', 0, (SELECT COALESCE(SUM({{OutboxTable.RowSize("o", Bytes)}}), 0) FROM outbox o)),
            ('{{StoreUsageTable.Dead}}', 0, (SELECT COALESCE(SUM({{DeadLetterTable.RowSize("d", Bytes)}}), 0) FROM dead_letters d));
        CREATE FUNCTION gateway_usage_add(usage_category TEXT, delta BIGINT) RETURNS void LANGUAGE sql AS $f$
            INSERT INTO store_usage (category, shard, bytes) VALUES (usage_category, pg_backend_pid() % 8, delta)
            ON CONFLICT (category, shard) DO UPDATE SET bytes = store_usage.bytes + EXCLUDED.bytes
        $f$;
        CREATE FUNCTION outbox_usage() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                PERFORM gateway_usage_add(CASE WHEN OLD.probation THEN '{{StoreUsageTable.Probation}}' ELSE '{{StoreUsageTable.Events}}' END, -{{OutboxTable.RowSize("OLD", Bytes)}});
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                PERFORM gateway_usage_add(CASE WHEN NEW.probation THEN '{{StoreUsageTable.Probation}}' ELSE '{{StoreUsageTable.Events}}' END, {{OutboxTable.RowSize("NEW", Bytes)}});
            END IF;
            RETURN NULL;
        END
        $f$;
        CREATE TRIGGER outbox_usage AFTER INSERT OR DELETE OR UPDATE OF probation ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_usage();
        CREATE FUNCTION dead_letters_usage() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM gateway_usage_add(CASE WHEN OLD.anonymous THEN '{{StoreUsageTable.AnonymousDead}}' ELSE '{{StoreUsageTable.Dead}}' END, -{{DeadLetterTable.RowSize("OLD", Bytes)}});
            ELSE
                PERFORM gateway_usage_add(CASE WHEN NEW.anonymous THEN '{{StoreUsageTable.AnonymousDead}}' ELSE '{{StoreUsageTable.Dead}}' END, {{DeadLetterTable.RowSize("NEW", Bytes)}});
            END IF;
            RETURN NULL;
        END
        $f$;
        CREATE TRIGGER dead_letters_usage AFTER INSERT OR DELETE ON dead_letters FOR EACH ROW EXECUTE FUNCTION dead_letters_usage();
        CREATE TABLE delivery_keys (pacing_key TEXT PRIMARY KEY, state TEXT NOT NULL, until BIGINT, changed_at BIGINT NOT NULL);
        CREATE TABLE replay_guard (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL, confirmed BOOLEAN NOT NULL DEFAULT false);
        CREATE INDEX replay_guard_by_expiry ON replay_guard (expires_at);
        ALTER TABLE dead_letters SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 500,
            toast.autovacuum_vacuum_scale_factor = 0, toast.autovacuum_vacuum_threshold = 500);
        ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0.05, toast.autovacuum_vacuum_scale_factor = 0.05);
        """,
        // 4: heads that stay cheap: is_head kept by triggers, and the indexes the worker's queries read (PostgresHeads).
        PostgresHeads.Migration,
        // 5: events stored or finished wake the other replicas' workers (PostgresOutboxListener), so that none polls
        // blindly: one notification per committed statement that inserts or deletes (a transaction's equal
        // notifications are delivered once).
        $$"""
        CREATE FUNCTION outbox_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            PERFORM pg_notify('{{PostgresOutboxListener.Channel}}', '');
            RETURN NULL;
        END
        $f$;
        CREATE TRIGGER outbox_changed AFTER INSERT OR DELETE ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_changed();
        """,
        // 6: what ops did: every version of every transform, and the audit trail of management actions (StoreSchema).
        string.Join(";\n", StoreSchema.OpsRecords(StoreProvider.Postgres)),
    ];

    /// <summary>The schema version a database has once every migration is applied.</summary>
    public static int SchemaVersion => Migrations.Length;

    private static string Bytes(string column) => $"octet_length({column})";

    /// <summary>The database's time, in Unix milliseconds: what the cluster's pacing and heartbeats are timed by.</summary>
    public const string NowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

    private readonly NpgsqlDataSource _source;
    private readonly ILogger<PostgresDatabase> _logger;
    private readonly SemaphoreSlim _migrating = new(1, 1);
    private volatile bool _migrated;

    public PostgresDatabase(IOptions<StoreOptions> options, SecretStore secrets, ILogger<PostgresDatabase> logger)
    {
        _logger = logger;
        // Validated at start (StoreOptions): a reference, never the string itself.
        var connectionString = (SecretReference.TryParse(options.Value.ConnectionString, out var reference) ? secrets.Read(reference!) : null)
            ?? throw new OutboxUnavailableException($"The PostgreSQL connection string ({reference}) is not available: set it, or choose Gateway:Store:Provider Sqlite.");
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            CommandTimeout = (int)Math.Ceiling(options.Value.CommandTimeout.TotalSeconds),
            Timeout = (int)Math.Ceiling(options.Value.CommandTimeout.TotalSeconds),
        };
        if (builder.Password is { } password)
        {
            secrets.Remember(password);
        }

        Target = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Host, port and database: for messages (the connection string's password never is).</summary>
    public string Target { get; }

    /// <summary>
    /// An open connection to a migrated database, without blocking a thread while connecting or migrating; throws when
    /// the database cannot be reached.
    /// </summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _source.OpenConnectionAsync(cancellationToken);
        if (_migrated)
        {
            return connection;
        }

        try
        {
            // One caller of this process migrates; the advisory lock inside makes it one replica of the cluster.
            await _migrating.WaitAsync(cancellationToken);
            try
            {
                if (!_migrated)
                {
                    await MigrateAsync(connection, cancellationToken);
                }
            }
            finally
            {
                _migrating.Release();
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
    }

    /// <summary>
    /// Tries to reach and migrate the database now, at start, before the host serves (nothing else waits on the thread
    /// it blocks); a failure is logged, not thrown (the next use tries again).
    /// </summary>
    public void TryOpenAtStart()
    {
        try
        {
            OpenAsync(CancellationToken.None).GetAwaiter().GetResult().Dispose();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            Log.Unreachable(_logger, Target, ex.Message);
        }
    }

    public void Dispose()
    {
        _source.Dispose();
        _migrating.Dispose();
    }

    public async Task<T> ReadAsync<T>(Func<System.Data.Common.DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection);
    }

    public async Task<T> InTransactionAsync<T>(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Holds the advisory lock of an alert until the transaction ends: its events are stored (and requeued) one at a
    /// time, so ids follow the order in which they were stored.
    /// </summary>
    public static Task LockAlertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string orderingKey, CancellationToken cancellationToken) =>
        StoreSql.ExecuteAsync(connection, transaction, LockSql, cancellationToken, ("key", AlertLockPrefix + orderingKey));

    /// <summary>
    /// Holds the advisory lock of the alert of event <paramref name="id"/> (if it is still stored) until the transaction
    /// ends: taken before an event is removed, so that a head's removal and a new event of its alert follow each other
    /// (<see cref="PostgresHeads"/>), and always before the row's own lock.
    /// </summary>
    public static Task LockAlertOfAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, CancellationToken cancellationToken) =>
        StoreSql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@prefix || ordering_key, 0)) FROM outbox WHERE id = @id",
            cancellationToken, ("prefix", AlertLockPrefix), ("id", id));

    /// <summary>What the key of an alert's advisory lock starts with (the ordering key follows).</summary>
    public const string AlertLockPrefix = "alert:";

    /// <summary>
    /// Holds the dead letters' advisory lock until the transaction ends: dead letters are added and pruned one
    /// transaction at a time, cluster-wide, so that two never wait on each other's usage rows (rare outside an attack,
    /// and cheap in one).
    /// </summary>
    public static Task LockDeadLettersAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken) =>
        StoreSql.ExecuteAsync(connection, transaction, LockSql, cancellationToken, ("key", "dead-letters"));

    /// <summary>What the key of a pacing log's advisory lock starts with (the pacing key, or a shared log's name, follows).</summary>
    public const string PacingLockPrefix = "pace:";

    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))";

    /// <summary>
    /// In one transaction, under a transaction-scoped advisory lock (released however the transaction ends): the
    /// migrations this database has not had yet. DDL is transactional in PostgreSQL: a failed one leaves nothing behind.
    /// </summary>
    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await StoreSql.ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken);
        await StoreSql.ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS gateway_schema (version INT NOT NULL)", cancellationToken);
        var version = await StoreSql.ScalarAsync<long?>(connection, transaction, "SELECT MAX(version) FROM gateway_schema", cancellationToken) ?? 0;
        var from = version;
        for (; version < Migrations.Length; version++)
        {
            await StoreSql.ExecuteAsync(connection, transaction, Migrations[version], cancellationToken);
            await StoreSql.ExecuteAsync(connection, transaction, $"INSERT INTO gateway_schema (version) VALUES ({version + 1})", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (version > from)
        {
            Log.Migrated(_logger, Target, version);
        }

        _migrated = true;
    }

    /// <summary>The schema version the database is at.</summary>
    public async Task<long> VersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await StoreSql.ScalarAsync<long?>(connection, null, "SELECT MAX(version) FROM gateway_schema", cancellationToken) ?? 0;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Outbox database {Target} migrated to version {Version}")]
        public static partial void Migrated(ILogger logger, string target, long version);

        [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Outbox database {Target} cannot be reached ({Error}); alert routes answer 503 until it can")]
        public static partial void Unreachable(ILogger logger, string target, string error);
    }
}
