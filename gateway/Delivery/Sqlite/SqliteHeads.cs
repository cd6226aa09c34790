namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary>
/// The queries the worker asks at every look, on SQLite: they read <c>is_head</c> (kept by <see cref="SqliteOutbox"/>)
/// through partial indexes, so that they cost the same with a backlog of 100 due events or 100,000
/// (bench/heads-plan.sh). The same shape as on PostgreSQL (<c>PostgresHeads</c>), with a correlated subquery per key
/// where PostgreSQL has a lateral join.
/// </summary>
internal static class SqliteHeads
{
    /// <summary>Migration 4: the indexes of the two queries, in place of the two they no longer read (SQLite's planner could take them).</summary>
    public static readonly string[] Migration =
    [
        "DROP INDEX IF EXISTS outbox_heads",
        "DROP INDEX IF EXISTS outbox_by_due",
        // Covering (SQLite has no INCLUDE; is_head too, or SQLite reads the row for it): the per-key lists read no row.
        "CREATE INDEX outbox_heads_by_key ON outbox (pacing_key, probation, id, next_attempt_at, locked_until, is_head) WHERE is_head = 1",
        $"CREATE INDEX outbox_heads_by_ready ON outbox ({ReadyAt}) WHERE is_head = 1",
    ];

    /// <summary>When a head may next be attempted: due, and its claim (if any) run out. The index is on this expression.</summary>
    private const string ReadyAt = "MAX(next_attempt_at, COALESCE(locked_until, 0))";

    /// <summary>The minimum of <see cref="ReadyAt"/> over heads: the first entry of a partial index.</summary>
    public const string NextDueSql = $"SELECT MIN({ReadyAt}) FROM outbox WHERE is_head = 1";

    private const string Due = "next_attempt_at <= $now AND (locked_until IS NULL OR locked_until < $now)";

    /// <summary>
    /// Due heads as <see cref="DueFilter"/> takes them, at a cost set by the number of pacing keys with heads: the keys
    /// found one index probe each, for each key not skipped its first <c>$perKey</c> due heads by id of each class (one
    /// index range each, read from the index alone), turns numbered over those, the first <c>$limit</c> by class, turn
    /// and id read whole. The index is named (<c>INDEXED BY</c>): a plan that could not use it fails rather than reading
    /// every head.
    /// </summary>
    public const string DueSql = $"""
        WITH RECURSIVE keys (key) AS (
            SELECT MIN(pacing_key) FROM outbox INDEXED BY outbox_heads_by_key WHERE is_head = 1
            UNION ALL
            SELECT (SELECT MIN(pacing_key) FROM outbox INDEXED BY outbox_heads_by_key WHERE is_head = 1 AND pacing_key > keys.key) FROM keys WHERE keys.key IS NOT NULL
        ), asked AS (
            SELECT key FROM keys WHERE key IS NOT NULL AND key NOT IN (SELECT value FROM json_each($skip))
        ), candidates AS (
            SELECT o.id, o.pacing_key, o.probation FROM asked JOIN outbox o INDEXED BY outbox_heads_by_key
                ON o.is_head = 1 AND o.pacing_key = asked.key AND o.probation = 0 AND o.id IN (
                SELECT id FROM outbox INDEXED BY outbox_heads_by_key WHERE is_head = 1 AND pacing_key = asked.key AND probation = 0 AND {Due} ORDER BY id LIMIT $perKey)
            UNION ALL
            SELECT o.id, o.pacing_key, o.probation FROM asked JOIN outbox o INDEXED BY outbox_heads_by_key
                ON o.is_head = 1 AND o.pacing_key = asked.key AND o.probation = 1 AND o.id IN (
                SELECT id FROM outbox INDEXED BY outbox_heads_by_key WHERE is_head = 1 AND pacing_key = asked.key AND probation = 1 AND {Due} ORDER BY id LIMIT $perKey)
            WHERE $probation
        ), heads AS (
            SELECT id, probation, ROW_NUMBER() OVER (PARTITION BY pacing_key ORDER BY id) AS turn FROM candidates
        ), taken AS (
            SELECT id AS head, probation AS head_probation, turn FROM heads WHERE turn <= $perKey ORDER BY probation, turn, id LIMIT $limit
        )
        SELECT {OutboxTable.Columns} FROM taken JOIN outbox ON id = head ORDER BY head_probation, turn, head
        """;

    /// <summary>
    /// The parameters of <see cref="DueSql"/>. A key gives at most <paramref name="limit"/> heads to an answer of
    /// <paramref name="limit"/>, so <c>$perKey</c> is the smaller of the two (<see cref="DueFilter"/>).
    /// </summary>
    public static (string Name, object? Value)[] DueParameters(DateTimeOffset now, int limit, DueFilter filter) =>
    [
        ("$now", now.ToUnixTimeMilliseconds()), ("$probation", filter.Probation), ("$skip", System.Text.Json.JsonSerializer.Serialize(filter.SkipKeys)),
        ("$perKey", Math.Min(filter.PerKey, limit)), ("$limit", limit),
    ];
}
