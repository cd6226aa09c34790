using Microsoft.Extensions.Options;
using Npgsql;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// ilert's limits across every replica, kept in the shared database with the same rule as <see cref="DeliveryPacer"/>:
/// a log of send times per key (and one for all keys, <c>*</c>), read and written under transaction-scoped advisory
/// locks (the key's, then the all-keys one: always in that order), timed by the database's clock so that replicas
/// with different clocks still share one window. Each question is one round trip: a turn is taken by one batch of
/// statements (the locks, then one statement that prunes the logs, reads the turn and logs the send if it is due),
/// which PostgreSQL runs as one transaction, so the all-keys lock is held for the server's work alone, never while
/// the client waits on the network, nor (<see cref="NoFlushWaitSql"/>) while the server waits on its disk.
/// </summary>
internal sealed class PostgresPacer(PostgresDatabase db, IOptions<DeliveryOptions> options, TimeProvider time) : IDeliveryPacer
{
    /// <summary>The all-keys budget's log. Pacing keys are hex digests, never this.</summary>
    private const string AllKeys = "*";

    /// <summary>The log of sends of keys on probation (their share of the all-keys budget).</summary>
    private const string ProbationKeys = "~probation";

    private const string NowMs = PostgresDatabase.NowMs;

    /// <summary>
    /// The turn of logs <c>$1</c> (with limits <c>$2</c>, window <c>$3</c>), from the <c>now</c> row: per log the first
    /// moment a send keeps at most its limit in any window (now, or when the limit-th newest leaves it) and not before
    /// the log's pause ends; the latest of them.
    /// </summary>
    private const string Turn = """
        (SELECT MAX(GREATEST(now.ms,
            COALESCE((SELECT p.until FROM pacing_pauses p WHERE p.pacing_key = l.key), 0),
            COALESCE((SELECT s.sent_at FROM pacing_sends s WHERE s.pacing_key = l.key AND s.sent_at > now.ms - $3
                ORDER BY s.sent_at DESC OFFSET l.lim - 1 LIMIT 1) + $3, now.ms)))
         FROM unnest($1::text[], $2::int[]) AS l(key, lim))
        """;

    private const string TurnSql = $"WITH now AS MATERIALIZED (SELECT {NowMs} AS ms) SELECT now.ms, {Turn} FROM now";

    /// <summary>Run after the locks, in their transaction: the old sends pruned, the turn read, and the send logged in every log if the turn is now.</summary>
    private const string AcquireSql = $"""
        WITH now AS MATERIALIZED (SELECT {NowMs} AS ms),
        turn AS MATERIALIZED (SELECT now.ms, {Turn} AS turn FROM now),
        pruned AS (DELETE FROM pacing_sends WHERE pacing_key = ANY($1) AND sent_at <= (SELECT ms FROM now) - $3),
        sent AS (INSERT INTO pacing_sends (pacing_key, sent_at) SELECT k, turn.ms FROM turn, unnest($1::text[]) AS k WHERE turn.turn <= turn.ms)
        SELECT turn <= ms FROM turn
        """;

    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    /// <summary>
    /// The turn's commit does not wait for its flush to disk: the locks are released when it is committed, not a flush
    /// later, which is what every replica's turn waits on (the all-keys lock). What that gives up: if the database
    /// server itself crashes, the sends of its last moments (at most three <c>wal_writer_delay</c>s, 0.6 s by default)
    /// may be forgotten, so a window could take that many more; ilert would answer 429 to the excess, and the key pauses.
    /// </summary>
    private const string NoFlushWaitSql = "SELECT set_config('synchronous_commit', 'off', true)";

    private readonly long _window = (long)(options.Value.PacingWindow + options.Value.PacingMargin).TotalMilliseconds;

    /// <summary>Locks are taken key, probation, all: always in that order, each its own statement of the one batch.</summary>
    public async ValueTask<bool> TryAcquireAsync(string pacingKey, bool probation, CancellationToken cancellationToken)
    {
        var (logs, limits) = Logs(pacingKey, probation);
        await using var connection = await db.OpenAsync(cancellationToken);
        // No transaction object: a batch's statements up to its one Sync are one implicit transaction, committed (and
        // the advisory locks released) when the last has run, or rolled back whole if one fails.
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(NoFlushWaitSql));
        foreach (var log in logs)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockSql) { Parameters = { new NpgsqlParameter { Value = PostgresDatabase.PacingLockPrefix + log } } });
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(AcquireSql) { Parameters = { Value(logs), Value(limits), Value(_window) } });
        // Prepared once per connection (a no-op after that): the server plans these statements once, not per turn.
        await batch.PrepareAsync(cancellationToken);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i <= logs.Length; i++)
        {
            await reader.NextResultAsync(cancellationToken);
        }

        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(0);
    }

    public ValueTask<DateTimeOffset> NextTurnAsync(string pacingKey, bool probation, CancellationToken cancellationToken)
    {
        var (logs, limits) = Logs(pacingKey, probation);
        return TurnAsync(logs, limits, cancellationToken);
    }

    public ValueTask<DateTimeOffset> NextProbationTurnAsync(CancellationToken cancellationToken) =>
        TurnAsync([ProbationKeys, AllKeys], [options.Value.ProbationSendsPerWindow, options.Value.MaxSendsPerWindow], cancellationToken);

    public async ValueTask PauseAsync(string pacingKey, TimeSpan pause, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await StoreSql.ExecuteAsync(connection, null, $"""
            INSERT INTO pacing_pauses (pacing_key, until) VALUES (@key, {NowMs} + @pause)
            ON CONFLICT (pacing_key) DO UPDATE SET until = GREATEST(pacing_pauses.until, EXCLUDED.until)
            """, cancellationToken, ("key", pacingKey), ("pause", (long)pause.TotalMilliseconds));
    }

    /// <summary>The logs a send of the key counts in, in lock order (key, probation, all), and each one's limit.</summary>
    private (string[] Logs, int[] Limits) Logs(string pacingKey, bool probation)
    {
        var limits = options.Value;
        return probation
            ? ([pacingKey, ProbationKeys, AllKeys], [limits.RatePerMinutePerKey, limits.ProbationSendsPerWindow, limits.MaxSendsPerWindow])
            : ([pacingKey, AllKeys], [limits.RatePerMinutePerKey, limits.MaxSendsPerWindow]);
    }

    /// <summary>When the logs allow a send, in one statement: the database's clock says how long to wait, this process's clock says when that is here.</summary>
    private async ValueTask<DateTimeOffset> TurnAsync(string[] logs, int[] limits, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(TurnSql, connection) { Parameters = { Value(logs), Value(limits), Value(_window) } };
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return time.GetUtcNow() + TimeSpan.FromMilliseconds(reader.GetInt64(1) - reader.GetInt64(0));
    }

    private static NpgsqlParameter Value(object value) => new() { Value = value };
}
