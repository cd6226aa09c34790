using HaloIlertGateway.Security;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// <see cref="IReplayGuard"/> in the store (<c>replay_guard</c>): a mark is a row keyed by its digest, taken by an
/// insert that an unexpired row of the same key turns away (the unique key decides, also between replicas writing at
/// once). One implementation for both providers: the SQL is the same.
/// </summary>
internal sealed class ReplayGuardStore(IStoreDatabase db) : IReplayGuard
{
    public bool TryRecord(IReadOnlyList<string> marks, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        try
        {
            return db.InTransaction((connection, transaction) =>
            {
                foreach (var mark in marks)
                {
                    var taken = StoreRows.Execute(connection, transaction, """
                        INSERT INTO replay_guard (key, expires_at) VALUES (@key, @expires)
                        ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE replay_guard.expires_at <= @now
                        """, ("@key", mark), ("@expires", expiresAt.ToUnixTimeMilliseconds()), ("@now", now.ToUnixTimeMilliseconds()));
                    if (taken == 0)
                    {
                        // Seen before: the transaction is rolled back, so none of this request's marks stays.
                        throw new ReplayedException();
                    }
                }

                return true;
            });
        }
        catch (ReplayedException)
        {
            return false;
        }
    }

    public void Forget(IReadOnlyList<string> marks) => db.InTransaction((connection, transaction) =>
        marks.Sum(mark => StoreRows.Execute(connection, transaction, "DELETE FROM replay_guard WHERE key = @key", ("@key", mark))));

    public int Prune(DateTimeOffset now) => db.InTransaction((connection, transaction) =>
        StoreRows.Execute(connection, transaction, "DELETE FROM replay_guard WHERE expires_at <= @now", ("@now", now.ToUnixTimeMilliseconds())));

    private sealed class ReplayedException : Exception;
}
