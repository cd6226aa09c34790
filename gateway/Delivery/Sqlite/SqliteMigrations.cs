using Microsoft.Data.Sqlite;

// Migrations run as the file is opened (SqliteDatabase.OpenFile: at start, before the host serves), on an embedded
// file whose asynchronous calls would run synchronously anyway.
#pragma warning disable RS0030

namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary>
/// The outbox file's schema, versioned by <c>PRAGMA user_version</c>: each migration runs once, in order, in one
/// transaction with the version it brings.
/// </summary>
internal static class SqliteMigrations
{
    /// <summary>Each migration (its statements) runs once, in order, in one transaction with the version it brings.</summary>
    private static readonly string[][] Steps =
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
        // 3: admission. A key's class on its events (probation) and dead letters (anonymous); the bytes each class of
        // row holds (store_usage, kept exact by triggers, so that every path that adds or removes a row counts it); the
        // classes ilert gave keys; the signatures already used.
        [
            "ALTER TABLE outbox ADD COLUMN probation INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE dead_letters ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0",
            $"""
            CREATE INDEX outbox_by_pacing ON outbox (pacing_key, locked_until);
            CREATE INDEX dead_letters_by_class ON dead_letters (anonymous, id);
            CREATE INDEX dead_letters_by_age ON dead_letters (dead_at);
            CREATE TABLE store_usage (category TEXT PRIMARY KEY, bytes INTEGER NOT NULL);
            INSERT INTO store_usage (category, bytes) VALUES
                ('{StoreUsageTable.Events}', (SELECT COALESCE(SUM({OutboxTable.RowSize("o", Bytes)}), 0) FROM outbox o)),
                ('{StoreUsageTable.Probation}', 0),
                ('{StoreUsageTable.Dead}', (SELECT COALESCE(SUM({DeadLetterTable.RowSize("d", Bytes)}), 0) FROM dead_letters d)),
                ('{StoreUsageTable.AnonymousDead}', 0);
            CREATE TRIGGER outbox_usage_insert AFTER INSERT ON outbox BEGIN
                UPDATE store_usage SET bytes = bytes + {OutboxTable.RowSize("NEW", Bytes)} WHERE category = {OutboxCategory("NEW")};
            END;
            CREATE TRIGGER outbox_usage_delete AFTER DELETE ON outbox BEGIN
                UPDATE store_usage SET bytes = bytes - {OutboxTable.RowSize("OLD", Bytes)} WHERE category = {OutboxCategory("OLD")};
            END;
            CREATE TRIGGER outbox_usage_class AFTER UPDATE OF probation ON outbox WHEN OLD.probation <> NEW.probation BEGIN
                UPDATE store_usage SET bytes = bytes - {OutboxTable.RowSize("OLD", Bytes)} WHERE category = {OutboxCategory("OLD")};
                UPDATE store_usage SET bytes = bytes + {OutboxTable.RowSize("NEW", Bytes)} WHERE category = {OutboxCategory("NEW")};
            END;
            CREATE TRIGGER dead_letters_usage_insert AFTER INSERT ON dead_letters BEGIN
                UPDATE store_usage SET bytes = bytes + {DeadLetterTable.RowSize("NEW", Bytes)} WHERE category = {DeadLetterCategory("NEW")};
            END;
            CREATE TRIGGER dead_letters_usage_delete AFTER DELETE ON dead_letters BEGIN
                UPDATE store_usage SET bytes = bytes - {DeadLetterTable.RowSize("OLD", Bytes)} WHERE category = {DeadLetterCategory("OLD")};
            END;
            CREATE TABLE delivery_keys (pacing_key TEXT PRIMARY KEY, state TEXT NOT NULL, until INTEGER, changed_at INTEGER NOT NULL);
            CREATE TABLE replay_guard (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX replay_guard_by_expiry ON replay_guard (expires_at);
            """,
        ],
        // 4: heads that stay cheap: the indexes the worker's queries read (SqliteHeads).
        SqliteHeads.Migration,
        // 5: what ops did: every version of every transform, and the audit trail of management actions (StoreSchema).
        StoreSchema.OpsRecords(StoreProvider.Sqlite),
    ];

    /// <summary>A column's length in bytes (SQLite's <c>length</c> counts characters of text).</summary>
    private static string Bytes(string column) => $"length(CAST({column} AS BLOB))";

    private static string OutboxCategory(string row) => $"CASE {row}.probation WHEN 0 THEN '{StoreUsageTable.Events}' ELSE '{StoreUsageTable.Probation}' END";

    private static string DeadLetterCategory(string row) => $"CASE {row}.anonymous WHEN 0 THEN '{StoreUsageTable.Dead}' ELSE '{StoreUsageTable.AnonymousDead}' END";

    /// <summary>The schema version a file has once every migration is applied.</summary>
    public static int LatestVersion => Steps.Length;

    /// <summary>The schema version a file is at (the number of migrations applied).</summary>
    public static long VersionOf(SqliteConnection connection) => StoreSql.Scalar<long>(connection, null, "PRAGMA user_version");

    /// <summary>Brings <paramref name="connection"/>'s file to the latest version.</summary>
    public static void Apply(SqliteConnection connection)
    {
        for (var version = VersionOf(connection); version < Steps.Length; version++)
        {
            using var transaction = connection.BeginTransaction();
            foreach (var statement in Steps[version])
            {
                // A column an earlier, unversioned file already has is not added twice.
                if (statement.StartsWith("ALTER TABLE outbox ADD COLUMN ", StringComparison.Ordinal)
                    && StoreSql.Scalar<long>(connection, transaction, "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = $name", ("$name", statement.Split(' ')[5])) > 0)
                {
                    continue;
                }

                StoreSql.Execute(connection, transaction, statement);
            }

            StoreSql.Execute(connection, transaction, $"PRAGMA user_version = {version + 1}");
            transaction.Commit();
        }
    }
}
