using System.Data.Common;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The classes ilert gave integration keys (by their digests, the pacing keys), in the store every replica shares:
/// <c>delivery_keys</c> holds known keys and refused ones with when the refusal ends; a key with no row is on
/// probation. Marking a key known moves its waiting events out of probation in the same transaction. One
/// implementation for both providers: the SQL is the same.
/// </summary>
internal sealed class KeyClassStore(IStoreDatabase db)
{
    private const string Known = "known";
    private const string Refused = "refused";

    /// <summary>The key's class at <paramref name="now"/>, and when a refusal ends.</summary>
    public Task<(KeyClass Class, DateTimeOffset? Until)> GetAsync(string pacingKey, DateTimeOffset now, CancellationToken cancellationToken) => db.ReadAsync(async connection =>
        await StoreSql.QueryAsync(connection, null, "SELECT state, until FROM delivery_keys WHERE pacing_key = @key",
            r => (r.GetString(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1)), cancellationToken, ("@key", pacingKey)) switch
        {
            [(Known, _)] => (KeyClass.Known, null),
            [(Refused, { } until)] when until > now.ToUnixTimeMilliseconds() => (KeyClass.Refused, StoreSql.Time(until)),
            _ => (KeyClass.Probation, (DateTimeOffset?)null),
        }, cancellationToken);

    public Task SetKnownAsync(string pacingKey, DateTimeOffset now, CancellationToken cancellationToken) => db.InTransactionAsync(async (connection, transaction) =>
    {
        await UpsertAsync(connection, transaction, pacingKey, Known, null, now, cancellationToken);
        return await StoreSql.ExecuteAsync(connection, transaction, "UPDATE outbox SET probation = @no WHERE pacing_key = @key AND probation = @yes",
            cancellationToken, ("@no", false), ("@yes", true), ("@key", pacingKey));
    }, cancellationToken);

    public Task SetRefusedAsync(string pacingKey, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken) => db.InTransactionAsync((connection, transaction) =>
        UpsertAsync(connection, transaction, pacingKey, Refused, until.ToUnixTimeMilliseconds(), now, cancellationToken), cancellationToken);

    /// <summary>How many keys are known, and how many refused at <paramref name="now"/>.</summary>
    public Task<(long Known, long Refused)> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) => db.ReadAsync(async connection =>
    {
        var counts = (await StoreSql.QueryAsync(connection, null,
            "SELECT state, COUNT(*) FROM delivery_keys WHERE state = @known OR until > @now GROUP BY state",
            r => (r.GetString(0), r.GetInt64(1)), cancellationToken, ("@known", Known), ("@now", now.ToUnixTimeMilliseconds()))).ToDictionary(pair => pair.Item1, pair => pair.Item2);
        return (counts.GetValueOrDefault(Known), counts.GetValueOrDefault(Refused));
    }, cancellationToken);

    /// <summary>Forgets every refusal, ended or not (the keys are on probation again); returns how many.</summary>
    public Task<int> ForgetRefusalsAsync(CancellationToken cancellationToken) => db.InTransactionAsync((connection, transaction) =>
        StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM delivery_keys WHERE state = @refused", cancellationToken, ("@refused", Refused)), cancellationToken);

    /// <summary>Forgets refusals that have ended (the key is on probation again); returns how many.</summary>
    public Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) => db.InTransactionAsync((connection, transaction) =>
        StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM delivery_keys WHERE state = @refused AND until <= @now",
            cancellationToken, ("@refused", Refused), ("@now", now.ToUnixTimeMilliseconds())), cancellationToken);

    private static Task<int> UpsertAsync(DbConnection connection, DbTransaction transaction, string pacingKey, string state, long? until, DateTimeOffset now, CancellationToken cancellationToken) =>
        StoreSql.ExecuteAsync(connection, transaction, """
            INSERT INTO delivery_keys (pacing_key, state, until, changed_at) VALUES (@key, @state, @until, @now)
            ON CONFLICT (pacing_key) DO UPDATE SET state = EXCLUDED.state, until = EXCLUDED.until, changed_at = EXCLUDED.changed_at
            """, cancellationToken, ("@key", pacingKey), ("@state", state), ("@until", until), ("@now", now.ToUnixTimeMilliseconds()));
}
