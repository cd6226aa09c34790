using Npgsql;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// One batch of <see cref="PostgresGroupCommit"/>, in one round trip: two statements that PostgreSQL runs as one
/// transaction (a batch's statements up to its one Sync are one implicit transaction, committed when the last has run,
/// or rolled back whole if one fails). First the advisory locks of every alert in the batch, taken in a fixed order (by
/// the lock's own number, so that two batches never wait on each other in a circle); then, with a snapshot taken after
/// the locks, one statement that applies the budgets event by event in arrival order, draws the ids of the events they
/// admit (after the locks, ascending in arrival order: an alert's events are numbered in the order they are stored,
/// here and on every replica), stores them in one multi-row insert and claims those that may be claimed. The insert
/// takes the rows in id order: <c>is_head</c>'s trigger sees the rows the statement inserted before, so an alert's
/// first event in the batch is its head and the later ones are not.
/// </summary>
internal static class PostgresEnqueueBatch
{
    private const string LockAlertsSql = $"""
        SELECT pg_advisory_xact_lock(h)
        FROM (SELECT DISTINCT hashtextextended('{PostgresDatabase.AlertLockPrefix}' || k, 0) AS h FROM unnest($1::text[]) AS k) AS alerts ORDER BY h
        """;

    /// <summary>
    /// The budgets as a single insert each followed by a read of the usage would apply them (<c>budget</c>): an event
    /// is refused when, stored, it would put the outbox over its budget (<c>$14</c>) or, for an event of a key on
    /// probation, the probation share over its own (<c>$15</c>); a refused event leaves the rest stored. An event is on
    /// probation only if its key still is as it is written. It is claimed when a claim is asked, it heads its alert (no
    /// older event of the alert, in the table or earlier in the batch) and, for a key on probation, no event of its key
    /// is claimed (in the table, or earlier in the batch). Answers, per event stored, its place in the batch, id and claim.
    /// </summary>
    private static readonly string InsertSql = $"""
        WITH RECURSIVE input AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[],
                $9::bigint[], $10::int[], $11::text[], $12::boolean[], $13::bigint[])
                WITH ORDINALITY AS i(route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, trace_parent, probation, claim_until, n)
        ), sized AS MATERIALIZED (
            SELECT i.*, ({OutboxTable.RowSizeOf("i")})::bigint AS size,
                i.probation AND NOT EXISTS (SELECT 1 FROM delivery_keys k WHERE k.pacing_key = i.pacing_key AND k.state = 'known') AS on_probation
            FROM input i
        ), budget (n, total, probation, admitted) AS (
            SELECT 0::bigint, COALESCE(SUM(bytes), 0)::bigint, COALESCE(SUM(bytes) FILTER (WHERE category = '{StoreUsageTable.Probation}'), 0)::bigint, false
            FROM store_usage
            UNION ALL
            SELECT s.n, b.total + CASE WHEN f.fits THEN s.size ELSE 0 END, b.probation + CASE WHEN f.fits AND s.on_probation THEN s.size ELSE 0 END, f.fits
            FROM budget b JOIN sized s ON s.n = b.n + 1
            CROSS JOIN LATERAL (SELECT b.total + s.size <= $14
                AND (NOT s.probation OR b.probation + CASE WHEN s.on_probation THEN s.size ELSE 0 END <= $15) AS fits) f
        ), admitted AS MATERIALIZED (
            SELECT s.*, row_number() OVER (ORDER BY s.n) AS k FROM sized s JOIN budget b ON b.n = s.n AND b.admitted
        ), drawn AS MATERIALIZED (
            SELECT nextval(pg_get_serial_sequence('outbox', 'id')) AS id FROM admitted
        ), numbered AS MATERIALIZED (
            SELECT a.*, ids.id FROM admitted a JOIN (SELECT row_number() OVER (ORDER BY id) AS k, id FROM drawn) ids ON ids.k = a.k
        ), classed AS MATERIALIZED (
            SELECT x.*, x.claim_until IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM outbox older WHERE older.ordering_key = x.ordering_key AND older.id < x.id)
                AND NOT EXISTS (SELECT 1 FROM numbered earlier WHERE earlier.ordering_key = x.ordering_key AND earlier.id < x.id) AS heads
            FROM numbered x
        ), decided AS MATERIALIZED (
            SELECT c.*, c.heads AND (NOT c.on_probation OR (
                NOT EXISTS (SELECT 1 FROM outbox other WHERE other.pacing_key = c.pacing_key AND other.locked_until >= c.created_at)
                AND NOT EXISTS (SELECT 1 FROM classed earlier WHERE earlier.pacing_key = c.pacing_key AND earlier.id < c.id AND earlier.heads))) AS claim
            FROM classed c
        ), stored AS (
            INSERT INTO outbox (id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, next_attempt_at,
                trace_parent, probation, locked_until, locked_by)
            SELECT id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, created_at,
                trace_parent, on_probation, CASE WHEN claim THEN claim_until END, CASE WHEN claim THEN $16 END
            FROM decided ORDER BY id
        )
        SELECT n, id, claim FROM decided
        """;

    /// <summary>Each event's id and claim, or null where a budget refused it, once committed; throws (and nothing is stored) when the batch fails.</summary>
    public static async Task<(long Id, bool Claimed)?[]> CommitAsync(NpgsqlConnection connection, IReadOnlyList<PendingEnqueue> batch, StoreBudgets budgets, string replica,
        CancellationToken cancellationToken)
    {
        T[] Column<T>(Func<OutboxMessage, T> value) => batch.Select(pending => value(pending.Message)).ToArray();
        await using var commit = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command(LockAlertsSql, (object)Column(m => m.OrderingKey).Distinct(StringComparer.Ordinal).ToArray()),
                Command(InsertSql,
                    Column(m => m.Route), Column(m => m.Cluster), Column(m => m.OrderingKey), Column(m => m.PacingKey), Column(m => m.Method),
                    Column(m => m.PathAndQuery), Column(OutboxTable.Headers), Column(m => m.Body), Column(m => m.CreatedAt.ToUnixTimeMilliseconds()),
                    Column(m => m.Attempts), Column(m => m.TraceParent), Column(m => m.Probation),
                    batch.Select(pending => pending.ClaimUntil?.ToUnixTimeMilliseconds()).ToArray(), budgets.Total, budgets.Probation, replica),
            },
        };
        // Prepared once per connection (a no-op after that): the server plans the statement once, not per batch.
        await commit.PrepareAsync(cancellationToken);
        var results = new (long Id, bool Claimed)?[batch.Count];
        await using (var reader = await commit.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                results[reader.GetInt64(0) - 1] = (reader.GetInt64(1), reader.GetBoolean(2));
            }

            // Read to the end: the commit's answer (or its failure) comes after the rows.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        return results;
    }

    /// <summary>A statement with positional parameters (an array is one parameter: pass it as <see cref="object"/>).</summary>
    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}
