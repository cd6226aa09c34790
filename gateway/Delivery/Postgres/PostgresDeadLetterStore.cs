using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary><see cref="IDeadLetterStore"/> in the cluster's PostgreSQL database, beside the outbox.</summary>
internal sealed class PostgresDeadLetterStore(PostgresDatabase db, IOptions<DeliveryOptions> options) : IDeadLetterStore
{
    private const string Columns = DeadLetterTable.Columns;

    private readonly StoreBudgets _budgets = options.Value.Budgets;

    public Task<long> AddAsync(DeadLetter deadLetter, CancellationToken cancellationToken) => db.InTransactionAsync(async (connection, transaction) =>
    {
        await PostgresDatabase.LockDeadLettersAsync(connection, transaction, cancellationToken);
        return await DeadLetterTable.AddWithinBudgetsAsync(connection, transaction, deadLetter, _budgets, cancellationToken);
    }, cancellationToken);

    public async Task<DeadLetter?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await StoreSql.QueryAsync(connection, null, $"SELECT {Columns} FROM dead_letters WHERE id = @id", DeadLetterTable.Read, cancellationToken, ("id", id))).FirstOrDefault();
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StoreSql.QueryAsync(connection, null, $"SELECT {StoreSql.WithoutBody(Columns, "''::bytea")} FROM dead_letters ORDER BY id LIMIT @limit", DeadLetterTable.Read,
            cancellationToken, ("limit", limit));
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StoreSql.ScalarAsync<long>(connection, null, "SELECT COUNT(*) FROM dead_letters", cancellationToken);
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StoreSql.ExecuteAsync(connection, null, "DELETE FROM dead_letters WHERE id = @id", cancellationToken, ("id", id)) == 1;
    }

    public async Task<long> DeleteAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await DeadLetterTable.DeleteAsync(connection, null, filter, cancellationToken);
    }

    public async Task UpdateReasonAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await StoreSql.ExecuteAsync(connection, null, "UPDATE dead_letters SET reason = @reason, dead_at = @now, attempts = attempts + 1 WHERE id = @id",
            cancellationToken, ("reason", reason), ("now", now.ToUnixTimeMilliseconds()), ("id", id));
    }

    public async Task<long> RequeueAsync(DeadLetter deadLetter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var message = deadLetter.ToMessage(now);
        await PostgresDatabase.LockAlertAsync(connection, transaction, message.OrderingKey, cancellationToken);
        var id = await OutboxTable.InsertAsync(connection, transaction, message, cancellationToken);
        await StoreSql.ExecuteAsync(connection, transaction, "DELETE FROM dead_letters WHERE id = @id", cancellationToken, ("id", deadLetter.Id));
        await transaction.CommitAsync(cancellationToken);
        return id;
    }
}
