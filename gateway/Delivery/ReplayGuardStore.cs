using HaloIlertGateway.Security;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// <see cref="IReplayGuard"/> in the store (<c>replay_guard</c>): a mark is a row keyed by its digest, taken by an
/// insert that an unexpired row of the same key turns away (the unique key decides, also between replicas writing at
/// once); <c>confirmed</c> tells an accepted request from one being handled. One implementation for both providers: the
/// SQL is the same.
/// </summary>
internal sealed class ReplayGuardStore(IStoreDatabase db) : IReplayGuard
{
    public ReplayCheck TryHold(IReadOnlyList<string> marks, DateTimeOffset holdUntil, DateTimeOffset now)
    {
        try
        {
            return db.InTransaction((connection, transaction) =>
            {
                foreach (var mark in marks)
                {
                    var taken = StoreSql.Execute(connection, transaction, """
                        INSERT INTO replay_guard (key, expires_at, confirmed) VALUES (@key, @until, @no)
                        ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at, confirmed = EXCLUDED.confirmed WHERE replay_guard.expires_at <= @now
                        """, ("@key", mark), ("@until", holdUntil.ToUnixTimeMilliseconds()), ("@no", false), ("@now", now.ToUnixTimeMilliseconds()));
                    if (taken == 0)
                    {
                        // Seen before: the transaction is rolled back, so none of this request's marks stays.
                        var confirmed = StoreSql.Scalar<bool>(connection, transaction, "SELECT confirmed FROM replay_guard WHERE key = @key", ("@key", mark));
                        throw new MarkTakenException(confirmed ? ReplayCheck.Replayed : ReplayCheck.InProgress);
                    }
                }

                return ReplayCheck.Held;
            });
        }
        catch (MarkTakenException taken)
        {
            return taken.Check;
        }
    }

    public void Confirm(IReadOnlyList<string> marks, DateTimeOffset expiresAt) => db.InTransaction((connection, transaction) =>
        marks.Sum(mark => StoreSql.Execute(connection, transaction, "UPDATE replay_guard SET confirmed = @yes, expires_at = @expires WHERE key = @key",
            ("@yes", true), ("@expires", expiresAt.ToUnixTimeMilliseconds()), ("@key", mark))));

    public void Forget(IReadOnlyList<string> marks) => db.InTransaction((connection, transaction) =>
        marks.Sum(mark => StoreSql.Execute(connection, transaction, "DELETE FROM replay_guard WHERE key = @key", ("@key", mark))));

    public int Prune(DateTimeOffset now) => db.InTransaction((connection, transaction) =>
        StoreSql.Execute(connection, transaction, "DELETE FROM replay_guard WHERE expires_at <= @now", ("@now", now.ToUnixTimeMilliseconds())));

    private sealed class MarkTakenException(ReplayCheck check) : Exception
    {
        public ReplayCheck Check { get; } = check;
    }
}
