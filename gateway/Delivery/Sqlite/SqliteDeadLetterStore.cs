using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary><see cref="IDeadLetterStore"/> in SQLite, in the same database file as the outbox.</summary>
internal sealed class SqliteDeadLetterStore(SqliteDatabase db, IOptions<DeliveryOptions> options) : IDeadLetterStore
{
    private const string Columns = DeadLetterTable.Columns;

    private readonly StoreBudgets _budgets = options.Value.Budgets;

    public Task<long> AddAsync(DeadLetter deadLetter, CancellationToken cancellationToken) =>
        db.InTransactionAsync((connection, transaction) => DeadLetterTable.AddWithinBudgetsAsync(connection, transaction, deadLetter, _budgets, cancellationToken), cancellationToken);

    public Task<DeadLetter?> GetAsync(long id, CancellationToken cancellationToken) => db.UseAsync(async _ =>
        (await db.QueryAsync(null, $"SELECT {Columns} FROM dead_letters WHERE id = $id", DeadLetterTable.Read, cancellationToken, ("$id", id))).FirstOrDefault(), cancellationToken);

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken) =>
        await db.UseAsync(_ => db.QueryAsync(null, $"SELECT {StoreSql.WithoutBody(Columns, "x''")} FROM dead_letters ORDER BY id LIMIT $limit", DeadLetterTable.Read,
            cancellationToken, ("$limit", limit)), cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        db.UseAsync(_ => db.ScalarAsync<long>(null, "SELECT COUNT(*) FROM dead_letters", cancellationToken), cancellationToken);

    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken) => db.UseAsync(async _ =>
        await db.ExecuteAsync(null, "DELETE FROM dead_letters WHERE id = $id", cancellationToken, ("$id", id)) == 1, cancellationToken);

    public Task<long> DeleteAsync(DeadLetterFilter filter, CancellationToken cancellationToken) =>
        db.UseAsync(connection => DeadLetterTable.DeleteAsync(connection, null, filter, cancellationToken), cancellationToken);

    public Task UpdateReasonAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.UseAsync(_ => db.ExecuteAsync(null, "UPDATE dead_letters SET reason = $reason, dead_at = $now, attempts = attempts + 1 WHERE id = $id",
            cancellationToken, ("$reason", reason), ("$now", now.ToUnixTimeMilliseconds()), ("$id", id)), cancellationToken);

    public Task<long> RequeueAsync(DeadLetter deadLetter, DateTimeOffset now, CancellationToken cancellationToken) => db.InTransactionAsync(async (connection, transaction) =>
    {
        var message = deadLetter.ToMessage(now);
        var id = await OutboxTable.InsertAsync(connection, transaction, message, cancellationToken);
        await SqliteOutbox.PromoteHeadAsync(db, transaction, message.OrderingKey, cancellationToken);
        await db.ExecuteAsync(transaction, "DELETE FROM dead_letters WHERE id = $id", cancellationToken, ("$id", deadLetter.Id));
        return id;
    }, ensureFile: true, cancellationToken);
}
