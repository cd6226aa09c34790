namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// The heads of the outbox on PostgreSQL: <c>is_head</c> marks the oldest pending event of each alert, kept exact by
/// triggers whatever writes the row (every replica, of any version since the migration), and the two queries the
/// worker asks at every look read it through partial indexes, so that they cost the same with a backlog of 100 due
/// events or 100,000 (bench/heads-plan.sh).
/// </summary>
internal static class PostgresHeads
{
    /// <summary>
    /// Migration 4: the flag, backfilled exactly (the migration holds the table's exclusive lock: nothing is stored or
    /// removed meanwhile), its triggers and its indexes. A new event heads its alert when no event of the alert is
    /// pending: every insert holds the alert's advisory lock (<see cref="PostgresDatabase.LockAlertAsync"/>), so the
    /// check and the ids follow the order events were stored in; a row-level BEFORE trigger also sees the rows a
    /// multi-row insert added before it. A removed head hands the flag to the oldest event left, under the alert's
    /// advisory lock: an insert of the alert waits for the removal to commit, or the removal waits for the insert and
    /// then sees its event (each statement of the trigger reads what committed before it ran), so an alert is never left
    /// without a head. The gateway takes that lock before it removes an event (the lock is taken again at no cost), so
    /// that it always comes before the row's and the usage shard's locks; an older replica's removal takes it here.
    /// The trigger is named to fire before <c>outbox_usage</c> for the same reason.
    /// </summary>
    public const string Migration = $$"""
        ALTER TABLE outbox ADD COLUMN is_head BOOLEAN NOT NULL DEFAULT false;
        UPDATE outbox SET is_head = true WHERE id IN (SELECT MIN(id) FROM outbox GROUP BY ordering_key);
        DROP INDEX outbox_by_due;
        CREATE INDEX outbox_heads_by_key ON outbox (pacing_key, probation, id) INCLUDE (next_attempt_at, locked_until) WHERE is_head;
        CREATE INDEX outbox_heads_by_ready ON outbox (({{ReadyAt}})) WHERE is_head;
        CREATE FUNCTION outbox_head_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            NEW.is_head := NOT EXISTS (SELECT 1 FROM outbox WHERE ordering_key = NEW.ordering_key);
            RETURN NEW;
        END
        $f$;
        CREATE TRIGGER outbox_head_insert BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_head_insert();
        CREATE FUNCTION outbox_head_delete() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            IF OLD.is_head THEN
                PERFORM pg_advisory_xact_lock(hashtextextended('{{PostgresDatabase.AlertLockPrefix}}' || OLD.ordering_key, 0));
                UPDATE outbox SET is_head = true WHERE id = (SELECT MIN(id) FROM outbox WHERE ordering_key = OLD.ordering_key);
            END IF;
            RETURN NULL;
        END
        $f$;
        CREATE TRIGGER outbox_head_delete AFTER DELETE ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_head_delete();
        """;

    /// <summary>When a head may next be attempted: due, and its claim (if any) run out. The index is on this expression.</summary>
    private const string ReadyAt = "GREATEST(next_attempt_at, COALESCE(locked_until, 0))";

    /// <summary>The minimum of <see cref="ReadyAt"/> over heads: the first entry of a partial index.</summary>
    public const string NextDueSql = $"SELECT MIN({ReadyAt}) FROM outbox WHERE is_head";

    private const string Due = "next_attempt_at <= @now AND (locked_until IS NULL OR locked_until < @now)";

    /// <summary>
    /// Due heads as <see cref="DueFilter"/> takes them, at a cost set by the number of pacing keys with heads, not by
    /// the number of heads: the keys are found one index probe each (a loose index scan: the next key after the last);
    /// for each key not skipped, its first <c>@perKey</c> due heads by id of each class (known, and on probation when
    /// asked), one index range each; turns are numbered over those (the first <c>@perKey</c> of the two lists merged
    /// by id, which is the key's first <c>@perKey</c> due heads with their turns exact); the answer is the first
    /// <c>@limit</c> by class, turn and id, and only those rows are read whole.
    /// </summary>
    public const string DueSql = $"""
        WITH RECURSIVE keys (key) AS (
            SELECT MIN(pacing_key) FROM outbox WHERE is_head
            UNION ALL
            SELECT (SELECT MIN(pacing_key) FROM outbox WHERE is_head AND pacing_key > keys.key) FROM keys WHERE keys.key IS NOT NULL
        ), heads AS (
            SELECT head.id, head.probation, ROW_NUMBER() OVER (PARTITION BY keys.key ORDER BY head.id) AS turn FROM keys CROSS JOIN LATERAL (
                (SELECT id, probation FROM outbox WHERE is_head AND pacing_key = keys.key AND NOT probation AND {Due} ORDER BY id LIMIT @perKey)
                UNION ALL
                (SELECT id, probation FROM outbox WHERE is_head AND pacing_key = keys.key AND probation AND @probation AND {Due} ORDER BY id LIMIT @perKey)
            ) head
            WHERE keys.key IS NOT NULL AND keys.key <> ALL(@skip)
        ), taken AS (
            SELECT id AS head, probation AS head_probation, turn FROM heads WHERE turn <= @perKey ORDER BY probation, turn, id LIMIT @limit
        )
        SELECT {OutboxTable.Columns} FROM taken JOIN outbox ON id = head ORDER BY head_probation, turn, head
        """;

    /// <summary>
    /// The parameters of <see cref="DueSql"/>. A key gives at most <paramref name="limit"/> heads to an answer of
    /// <paramref name="limit"/>, so <c>@perKey</c> is the smaller of the two (<see cref="DueFilter"/>).
    /// </summary>
    public static (string Name, object? Value)[] DueParameters(DateTimeOffset now, int limit, DueFilter filter) =>
    [
        ("now", now.ToUnixTimeMilliseconds()), ("probation", filter.Probation), ("skip", filter.SkipKeys.ToArray()),
        ("perKey", (long)Math.Min(filter.PerKey, limit)), ("limit", limit),
    ];
}
