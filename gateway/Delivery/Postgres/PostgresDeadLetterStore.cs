using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary><see cref="IDeadLetterStore"/> in the cluster's PostgreSQL database, beside the outbox.</summary>
internal sealed class PostgresDeadLetterStore(PostgresDatabase db, IOptions<DeliveryOptions> options) : IDeadLetterStore
{
    private const string Columns = DeadLetterTable.Columns;

    private readonly StoreBudgets _budgets = options.Value.Budgets;

    public long Add(DeadLetter deadLetter) => db.InTransaction((connection, transaction) =>
    {
        PostgresDatabase.LockDeadLetters(connection, transaction);
        return DeadLetterTable.AddWithinBudgets(connection, transaction, deadLetter, _budgets);
    });

    public DeadLetter? Get(long id)
    {
        using var connection = db.Open();
        return StoreSql.Query(connection, null, $"SELECT {Columns} FROM dead_letters WHERE id = @id", DeadLetterTable.Read, ("id", id)).FirstOrDefault();
    }

    public IReadOnlyList<DeadLetter> List(int limit)
    {
        using var connection = db.Open();
        return StoreSql.Query(connection, null, $"SELECT {StoreSql.WithoutBody(Columns, "''::bytea")} FROM dead_letters ORDER BY id LIMIT @limit", DeadLetterTable.Read, ("limit", limit));
    }

    public long Count()
    {
        using var connection = db.Open();
        return StoreSql.Scalar<long>(connection, null, "SELECT COUNT(*) FROM dead_letters");
    }

    public bool Delete(long id)
    {
        using var connection = db.Open();
        return StoreSql.Execute(connection, null, "DELETE FROM dead_letters WHERE id = @id", ("id", id)) == 1;
    }

    public long Delete(DeadLetterFilter filter)
    {
        using var connection = db.Open();
        return DeadLetterTable.Delete(connection, null, filter);
    }

    public void UpdateReason(long id, string reason, DateTimeOffset now)
    {
        using var connection = db.Open();
        StoreSql.Execute(connection, null, "UPDATE dead_letters SET reason = @reason, dead_at = @now, attempts = attempts + 1 WHERE id = @id",
            ("reason", reason), ("now", now.ToUnixTimeMilliseconds()), ("id", id));
    }

    public long Requeue(DeadLetter deadLetter, DateTimeOffset now)
    {
        using var connection = db.Open();
        using var transaction = connection.BeginTransaction();
        var message = deadLetter.ToMessage(now);
        PostgresDatabase.LockAlert(connection, transaction, message.OrderingKey);
        var id = OutboxTable.Insert(connection, transaction, message);
        StoreSql.Execute(connection, transaction, "DELETE FROM dead_letters WHERE id = @id", ("id", deadLetter.Id));
        transaction.Commit();
        return id;
    }
}
