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
    public bool TryAcquire(string pacingKey, bool probation)
    {
        using var connection = db.Open();
        using var transaction = connection.BeginTransaction();
        PostgresDatabase.LockPacingKey(connection, transaction, pacingKey);
        if (probation)
        {
            PostgresDatabase.LockPacingKey(connection, transaction, ProbationKeys);
        }

        PostgresDatabase.LockPacingKey(connection, transaction, AllKeys);
        var now = StoreSql.Scalar<long>(connection, transaction, DatabaseNow);
        var logs = probation ? new[] { pacingKey, ProbationKeys, AllKeys } : [pacingKey, AllKeys];
        StoreSql.Execute(connection, transaction, "DELETE FROM pacing_sends WHERE pacing_key = ANY(@keys) AND sent_at <= @oldest",
            ("keys", logs), ("oldest", now - _window));
        if (Turn(connection, transaction, pacingKey, probation, now) > now)
        {
            transaction.Commit();
            return false;
        }

        StoreSql.Execute(connection, transaction, "INSERT INTO pacing_sends (pacing_key, sent_at) SELECT unnest(@keys), @now",
            ("keys", logs), ("now", now));
        transaction.Commit();
        return true;
    }

    public DateTimeOffset NextTurn(string pacingKey, bool probation)
    {
        using var connection = db.Open();
        var now = StoreSql.Scalar<long>(connection, null, DatabaseNow);
        return At(now, Turn(connection, null, pacingKey, probation, now));
    }

    public DateTimeOffset NextProbationTurn()
    {
        using var connection = db.Open();
        var now = StoreSql.Scalar<long>(connection, null, DatabaseNow);
        return At(now, Math.Max(
            Turn(connection, null, ProbationKeys, options.Value.ProbationSendsPerWindow, now),
            Turn(connection, null, AllKeys, options.Value.MaxSendsPerWindow, now)));
    }

    /// <summary>The database's clock says how long to wait; this process's clock says when that is here.</summary>
    private DateTimeOffset At(long now, long turn) => time.GetUtcNow() + TimeSpan.FromMilliseconds(turn - now);

    private long Turn(NpgsqlConnection connection, NpgsqlTransaction? transaction, string pacingKey, bool probation, long now)
    {
        var turn = Math.Max(
            Turn(connection, transaction, pacingKey, options.Value.RatePerMinutePerKey, now),
            Turn(connection, transaction, AllKeys, options.Value.MaxSendsPerWindow, now));
        return probation ? Math.Max(turn, Turn(connection, transaction, ProbationKeys, options.Value.ProbationSendsPerWindow, now)) : turn;
    }

    public void Pause(string pacingKey, TimeSpan pause)
    {
        using var connection = db.Open();
        StoreSql.Execute(connection, null, $"""
            INSERT INTO pacing_pauses (pacing_key, until) VALUES (@key, {NowMs} + @pause)
            ON CONFLICT (pacing_key) DO UPDATE SET until = GREATEST(pacing_pauses.until, EXCLUDED.until)
            """, ("key", pacingKey), ("pause", (long)pause.TotalMilliseconds));
    }

    /// <summary>The first moment a send keeps at most <paramref name="limit"/> in any window: now, or when the limit-th newest leaves it; and not before a pause ends.</summary>
    private long Turn(NpgsqlConnection connection, NpgsqlTransaction? transaction, string key, int limit, long now)
    {
        var paused = StoreSql.Scalar<long?>(connection, transaction, "SELECT until FROM pacing_pauses WHERE pacing_key = @key", ("key", key)) ?? 0;
        var limitNewest = StoreSql.Scalar<long?>(connection, transaction,
            "SELECT sent_at FROM pacing_sends WHERE pacing_key = @key AND sent_at > @oldest ORDER BY sent_at DESC OFFSET @skip LIMIT 1",
            ("key", key), ("oldest", now - _window), ("skip", limit - 1));
        var turn = limitNewest is { } sentAt ? sentAt + _window : now;
        return Math.Max(Math.Max(turn, now), paused);
    }
}
