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
    public async Task<ReplayCheck> TryHoldAsync(IReadOnlyList<string> marks, DateTimeOffset holdUntil, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await db.InTransactionAsync(async (connection, transaction) =>
            {
                foreach (var mark in marks)
                {
                    var taken = await StoreSql.ExecuteAsync(connection, transaction, """
                        INSERT INTO replay_guard (key, expires_at, confirmed) VALUES (@key, @until, @no)
                        ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at, confirmed = EXCLUDED.confirmed WHERE replay_guard.expires_at <= @now
                        """, cancellationToken, ("@key", mark), ("@until", holdUntil.ToUnixTimeMilliseconds()), ("@no", false), ("@now", now.ToUnixTimeMilliseconds()));
                    if (taken == 0)
                    {
                        // Seen before: the transaction is rolled back, so none of this request's marks stays.
                        var confirmed = await StoreSql.ScalarAsync<bool>(connection, transaction, "SELECT confirmed FROM replay_guard WHERE key = @key", cancellationToken, ("@key", mark));
                        throw new MarkTakenException(confirmed ? ReplayCheck.Replayed : ReplayCheck.InProgress);
                    }
                }

                return ReplayCheck.Held;
            }, cancellationToken);
        }
        catch (MarkTakenException taken)
        {
            return taken.Check;
        }
    }

    public Task ConfirmAsync(IReadOnlyList<string> marks, DateTimeOffset expiresAt, CancellationToken cancellationToken) => db.InTransactionAsync(async (connection, transaction) =>
    {
        var confirmed = 0;
        foreach (var mark in marks)
        {
            confirmed += await StoreSql.ExecuteAsync(connection, transaction, "UPDATE replay_guard SET confirmed = @yes, expires_at = @expires WHERE key = @key",
                cancellationToken, ("@yes", true), ("@expires", expiresAt.ToUnixTimeMilliseconds()), ("@key", mark));
        }

        return confirmed;
    }, cancellationToken);

    public Task ForgetAsync(IReadOnlyList<string> marks, CancellationToken cancellationToken) => db.InTransactionAsync(async (connection, transaction) =>
    {
        var forgotten = 0;
        foreach (var mark in marks)
        {
            forgotten += await StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM replay_guard WHERE key = @key", cancellationToken, ("@key", mark));
        }

        return forgotten;
    }, cancellationToken);

    public Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) => db.InTransactionAsync((connection, transaction) =>
        StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM replay_guard WHERE expires_at <= @now", cancellationToken, ("@now", now.ToUnixTimeMilliseconds())), cancellationToken);

    private sealed class MarkTakenException(ReplayCheck check) : Exception
    {
        public ReplayCheck Check { get; } = check;
    }
}
