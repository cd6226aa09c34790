using Npgsql;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// One batch of <see cref="PostgresGroupCommit"/> in one transaction, in three round trips: (1) the advisory locks of
/// every alert in the batch, taken in a fixed order (by the lock's own number, so that two batches never wait on each
/// other in a circle), the ids (from the outbox's sequence, after the locks: an alert's events are numbered in the order
/// they are stored, here and on every replica), the store's usage and which of the batch's keys ilert knows; (2) one
/// multi-row insert of the events the budgets admit, each claimed in the same statement when it may be; (3) the commit.
/// The budgets are applied event by event, in arrival order, to the usage read under the locks: an event that would
/// exceed one is refused on its own, and the rest of the batch is stored.
/// </summary>
internal static class PostgresEnqueueBatch
{
    private const string LockAlertsSql = """
        SELECT pg_advisory_xact_lock(h)
        FROM (SELECT DISTINCT hashtextextended('alert:' || k, 0) AS h FROM unnest($1::text[]) AS k) AS alerts ORDER BY h
        """;

    private const string IdsSql = "SELECT nextval(pg_get_serial_sequence('outbox', 'id')) FROM generate_series(1, $1)";

    private const string KnownKeysSql = "SELECT pacing_key FROM delivery_keys WHERE pacing_key = ANY($1::text[]) AND state = 'known'";

    /// <summary>
    /// The admitted events stored. An event is on probation only if its key still is as it is written; it is claimed
    /// when a claim is asked, it heads its alert (no older event of the alert, in the table or earlier in the batch),
    /// and, for a key on probation, no event of its key is claimed (in the table, or earlier in the batch).
    /// </summary>
    private const string InsertSql = """
        WITH input AS (
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                $9::bytea[], $10::bigint[], $11::int[], $12::text[], $13::boolean[], $14::bigint[])
                AS i(id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, trace_parent, probation, claim_until)
        ), classed AS (
            SELECT i.*,
                i.probation AND NOT EXISTS (SELECT 1 FROM delivery_keys k WHERE k.pacing_key = i.pacing_key AND k.state = 'known') AS on_probation,
                i.claim_until IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM outbox older WHERE older.ordering_key = i.ordering_key AND older.id < i.id)
                    AND NOT EXISTS (SELECT 1 FROM input earlier WHERE earlier.ordering_key = i.ordering_key AND earlier.id < i.id) AS heads
            FROM input i
        ), decided AS (
            SELECT c.*, c.heads AND (NOT c.on_probation OR (
                NOT EXISTS (SELECT 1 FROM outbox other WHERE other.pacing_key = c.pacing_key AND other.locked_until >= c.created_at)
                AND NOT EXISTS (SELECT 1 FROM classed earlier WHERE earlier.pacing_key = c.pacing_key AND earlier.id < c.id AND earlier.heads))) AS claim
            FROM classed c
        )
        INSERT INTO outbox (id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, next_attempt_at,
            trace_parent, probation, locked_until, locked_by)
        SELECT id, route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, attempts, created_at,
            trace_parent, on_probation, CASE WHEN claim THEN claim_until END, CASE WHEN claim THEN $15 END
        FROM decided
        RETURNING id, locked_until IS NOT NULL
        """;

    /// <summary>Each event's id and claim, or null where a budget refused it; throws (and nothing is stored) when the batch fails.</summary>
    public static async Task<(long Id, bool Claimed)?[]> CommitAsync(NpgsqlConnection connection, IReadOnlyList<PendingEnqueue> batch, StoreBudgets budgets, string replica,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (ids, usage, known) = await PrepareAsync(connection, transaction, batch, cancellationToken);
        var headers = batch.Select(pending => OutboxTable.Headers(pending.Message)).ToArray();
        var admitted = Admit(batch, headers, usage, known, budgets);
        var results = new (long Id, bool Claimed)?[batch.Count];
        if (admitted.Count > 0)
        {
            var claimed = await InsertAsync(connection, transaction, batch, headers, ids, admitted, replica, cancellationToken);
            foreach (var i in admitted)
            {
                results[i] = (ids[i], claimed[ids[i]]);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>Round trip (1): the locks, then the ids (ascending, in arrival order), the usage and the known keys.</summary>
    private static async Task<(long[] Ids, StoreUsage Usage, HashSet<string> Known)> PrepareAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<PendingEnqueue> batch, CancellationToken cancellationToken)
    {
        await using var prepare = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command(LockAlertsSql, batch.Select(pending => pending.Message.OrderingKey).Distinct(StringComparer.Ordinal).ToArray()),
                Command(IdsSql, batch.Count),
                new NpgsqlBatchCommand(StoreUsageTable.Sql),
                Command(KnownKeysSql, batch.Where(pending => pending.Message.Probation).Select(pending => pending.Message.PacingKey).Distinct(StringComparer.Ordinal).ToArray()),
            },
        };
        await using var reader = await prepare.ExecuteReaderAsync(cancellationToken);
        var ids = new List<long>(batch.Count);
        var usage = new List<(string, long)>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            usage.Add(StoreUsageTable.Row(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            known.Add(reader.GetString(0));
        }

        ids.Sort();
        return ([.. ids], StoreUsageTable.From(usage), known);
    }

    /// <summary>
    /// The events the budgets take, in arrival order, as a single insert each followed by a read of the usage would
    /// have it: an event is refused when, stored, it would put the outbox over its budget or (for an event of a key on
    /// probation) the probation share over its own.
    /// </summary>
    private static List<int> Admit(IReadOnlyList<PendingEnqueue> batch, string[] headers, StoreUsage usage, HashSet<string> known, StoreBudgets budgets)
    {
        var (total, probation) = (usage.Total, usage.Probation);
        var admitted = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i].Message;
            var size = OutboxTable.RowBytes(message, headers[i]);
            var onProbation = message.Probation && !known.Contains(message.PacingKey);
            if (total + size > budgets.Total || (message.Probation && probation + (onProbation ? size : 0) > budgets.Probation))
            {
                continue;
            }

            (total, probation) = (total + size, probation + (onProbation ? size : 0));
            admitted.Add(i);
        }

        return admitted;
    }

    /// <summary>Round trip (2): the admitted events in one insert; which of them were claimed, by id.</summary>
    private static async Task<Dictionary<long, bool>> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PendingEnqueue> batch,
        string[] headers, long[] ids, List<int> admitted, string replica, CancellationToken cancellationToken)
    {
        T[] Column<T>(Func<int, T> value) => admitted.Select(value).ToArray();
        OutboxMessage M(int i) => batch[i].Message;
        await using var insert = new NpgsqlCommand(InsertSql, connection, transaction)
        {
            Parameters =
            {
                Value(Column(i => ids[i])), Value(Column(i => M(i).Route)), Value(Column(i => M(i).Cluster)), Value(Column(i => M(i).OrderingKey)),
                Value(Column(i => M(i).PacingKey)), Value(Column(i => M(i).Method)), Value(Column(i => M(i).PathAndQuery)), Value(Column(i => headers[i])),
                Value(Column(i => M(i).Body)), Value(Column(i => M(i).CreatedAt.ToUnixTimeMilliseconds())), Value(Column(i => M(i).Attempts)),
                Value(Column(i => M(i).TraceParent)), Value(Column(i => M(i).Probation)), Value(Column(i => batch[i].ClaimUntil?.ToUnixTimeMilliseconds())),
                Value(replica),
            },
        };
        var claimed = new Dictionary<long, bool>(admitted.Count);
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed[reader.GetInt64(0)] = reader.GetBoolean(1);
        }

        return claimed;
    }

    private static NpgsqlBatchCommand Command(string sql, object value) => new(sql) { Parameters = { Value(value) } };

    private static NpgsqlParameter Value(object? value) => new() { Value = value ?? DBNull.Value };
}
