using Microsoft.Extensions.Options;
using Npgsql;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// ilert's limits across every replica, kept in the shared database with the same rule as <see cref="DeliveryPacer"/>:
/// a log of send times per key (and one for all keys, <c>*</c>), read and written under transaction-scoped advisory
/// locks (the key's, then the all-keys one: always in that order), timed by the database's clock so that replicas
/// with different clocks still share one window.
/// </summary>
internal sealed class PostgresPacer(PostgresDatabase db, IOptions<DeliveryOptions> options, TimeProvider time) : IDeliveryPacer
{
    /// <summary>The all-keys budget's log. Pacing keys are hex digests, never this.</summary>
    private const string AllKeys = "*";

    /// <summary>The log of sends of keys on probation (their share of the all-keys budget).</summary>
    private const string ProbationKeys = "~probation";

    private const string NowMs = PostgresDatabase.NowMs;

    private const string DatabaseNow = "SELECT " + NowMs;

    private readonly long _window = (long)(options.Value.PacingWindow + options.Value.PacingMargin).TotalMilliseconds;

    /// <summary>Locks are taken key, probation, all: always in that order.</summary>
    public async ValueTask<bool> TryAcquireAsync(string pacingKey, bool probation, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PostgresDatabase.LockPacingKeyAsync(connection, transaction, pacingKey, cancellationToken);
        if (probation)
        {
            await PostgresDatabase.LockPacingKeyAsync(connection, transaction, ProbationKeys, cancellationToken);
        }

        await PostgresDatabase.LockPacingKeyAsync(connection, transaction, AllKeys, cancellationToken);
        var now = await StoreSql.ScalarAsync<long>(connection, transaction, DatabaseNow, cancellationToken);
        var logs = probation ? new[] { pacingKey, ProbationKeys, AllKeys } : [pacingKey, AllKeys];
        await StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM pacing_sends WHERE pacing_key = ANY(@keys) AND sent_at <= @oldest",
            cancellationToken, ("keys", logs), ("oldest", now - _window));
        if (await TurnAsync(connection, transaction, pacingKey, probation, now, cancellationToken) > now)
        {
            await transaction.CommitAsync(cancellationToken);
            return false;
        }

        await StoreSql.ExecuteAsync(connection, transaction, "INSERT INTO pacing_sends (pacing_key, sent_at) SELECT unnest(@keys), @now",
            cancellationToken, ("keys", logs), ("now", now));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask<DateTimeOffset> NextTurnAsync(string pacingKey, bool probation, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var now = await StoreSql.ScalarAsync<long>(connection, null, DatabaseNow, cancellationToken);
        return At(now, await TurnAsync(connection, null, pacingKey, probation, now, cancellationToken));
    }

    public async ValueTask<DateTimeOffset> NextProbationTurnAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var now = await StoreSql.ScalarAsync<long>(connection, null, DatabaseNow, cancellationToken);
        return At(now, Math.Max(
            await TurnAsync(connection, null, ProbationKeys, options.Value.ProbationSendsPerWindow, now, cancellationToken),
            await TurnAsync(connection, null, AllKeys, options.Value.MaxSendsPerWindow, now, cancellationToken)));
    }

    /// <summary>The database's clock says how long to wait; this process's clock says when that is here.</summary>
    private DateTimeOffset At(long now, long turn) => time.GetUtcNow() + TimeSpan.FromMilliseconds(turn - now);

    private async Task<long> TurnAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string pacingKey, bool probation, long now, CancellationToken cancellationToken)
    {
        var turn = Math.Max(
            await TurnAsync(connection, transaction, pacingKey, options.Value.RatePerMinutePerKey, now, cancellationToken),
            await TurnAsync(connection, transaction, AllKeys, options.Value.MaxSendsPerWindow, now, cancellationToken));
        return probation ? Math.Max(turn, await TurnAsync(connection, transaction, ProbationKeys, options.Value.ProbationSendsPerWindow, now, cancellationToken)) : turn;
    }

    public async ValueTask PauseAsync(string pacingKey, TimeSpan pause, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await StoreSql.ExecuteAsync(connection, null, $"""
            INSERT INTO pacing_pauses (pacing_key, until) VALUES (@key, {NowMs} + @pause)
            ON CONFLICT (pacing_key) DO UPDATE SET until = GREATEST(pacing_pauses.until, EXCLUDED.until)
            """, cancellationToken, ("key", pacingKey), ("pause", (long)pause.TotalMilliseconds));
    }

    /// <summary>The first moment a send keeps at most <paramref name="limit"/> in any window: now, or when the limit-th newest leaves it; and not before a pause ends.</summary>
    private async Task<long> TurnAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string key, int limit, long now, CancellationToken cancellationToken)
    {
        var paused = await StoreSql.ScalarAsync<long?>(connection, transaction, "SELECT until FROM pacing_pauses WHERE pacing_key = @key", cancellationToken, ("key", key)) ?? 0;
        var limitNewest = await StoreSql.ScalarAsync<long?>(connection, transaction,
            "SELECT sent_at FROM pacing_sends WHERE pacing_key = @key AND sent_at > @oldest ORDER BY sent_at DESC OFFSET @skip LIMIT 1",
            cancellationToken, ("key", key), ("oldest", now - _window), ("skip", limit - 1));
        var turn = limitNewest is { } sentAt ? sentAt + _window : now;
        return Math.Max(Math.Max(turn, now), paused);
    }
}
