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
    public (KeyClass Class, DateTimeOffset? Until) Get(string pacingKey, DateTimeOffset now) => db.Read(connection =>
        StoreSql.Query(connection, null, "SELECT state, until FROM delivery_keys WHERE pacing_key = @key",
            r => (r.GetString(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1)), ("@key", pacingKey)) switch
        {
            [(Known, _)] => (KeyClass.Known, null),
            [(Refused, { } until)] when until > now.ToUnixTimeMilliseconds() => (KeyClass.Refused, StoreSql.Time(until)),
            _ => (KeyClass.Probation, (DateTimeOffset?)null),
        });

    public void SetKnown(string pacingKey, DateTimeOffset now) => db.InTransaction((connection, transaction) =>
    {
        Upsert(connection, transaction, pacingKey, Known, null, now);
        return StoreSql.Execute(connection, transaction, "UPDATE outbox SET probation = @no WHERE pacing_key = @key AND probation = @yes",
            ("@no", false), ("@yes", true), ("@key", pacingKey));
    });

    public void SetRefused(string pacingKey, DateTimeOffset until, DateTimeOffset now) => db.InTransaction((connection, transaction) =>
        Upsert(connection, transaction, pacingKey, Refused, until.ToUnixTimeMilliseconds(), now));

    /// <summary>How many keys are known, and how many refused at <paramref name="now"/>.</summary>
    public (long Known, long Refused) Count(DateTimeOffset now) => db.Read(connection =>
    {
        var counts = StoreSql.Query(connection, null,
            "SELECT state, COUNT(*) FROM delivery_keys WHERE state = @known OR until > @now GROUP BY state",
            r => (r.GetString(0), r.GetInt64(1)), ("@known", Known), ("@now", now.ToUnixTimeMilliseconds())).ToDictionary(pair => pair.Item1, pair => pair.Item2);
        return (counts.GetValueOrDefault(Known), counts.GetValueOrDefault(Refused));
    });

    /// <summary>Forgets every refusal, ended or not (the keys are on probation again); returns how many.</summary>
    public int ForgetRefusals() => db.InTransaction((connection, transaction) =>
        StoreSql.Execute(connection, transaction, "DELETE FROM delivery_keys WHERE state = @refused", ("@refused", Refused)));

    /// <summary>Forgets refusals that have ended (the key is on probation again); returns how many.</summary>
    public int Prune(DateTimeOffset now) => db.InTransaction((connection, transaction) =>
        StoreSql.Execute(connection, transaction, "DELETE FROM delivery_keys WHERE state = @refused AND until <= @now",
            ("@refused", Refused), ("@now", now.ToUnixTimeMilliseconds())));

    private static int Upsert(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string pacingKey, string state, long? until, DateTimeOffset now) =>
        StoreSql.Execute(connection, transaction, """
            INSERT INTO delivery_keys (pacing_key, state, until, changed_at) VALUES (@key, @state, @until, @now)
            ON CONFLICT (pacing_key) DO UPDATE SET state = EXCLUDED.state, until = EXCLUDED.until, changed_at = EXCLUDED.changed_at
            """, ("@key", pacingKey), ("@state", state), ("@until", until), ("@now", now.ToUnixTimeMilliseconds()));
}
