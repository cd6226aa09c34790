using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary><see cref="IDeadLetterStore"/> in SQLite, in the same database file as the outbox.</summary>
internal sealed class SqliteDeadLetterStore(SqliteDatabase db, IOptions<DeliveryOptions> options) : IDeadLetterStore
{
    private const string Columns = DeadLetterTable.Columns;

    private readonly StoreBudgets _budgets = options.Value.Budgets;

    public long Add(DeadLetter deadLetter) =>
        db.InTransaction((connection, transaction) => DeadLetterTable.AddWithinBudgets(connection, transaction, deadLetter, _budgets));

    public DeadLetter? Get(long id)
    {
        lock (db.Gate)
        {
            return db.Query(null, $"SELECT {Columns} FROM dead_letters WHERE id = $id", DeadLetterTable.Read, ("$id", id)).FirstOrDefault();
        }
    }

    public IReadOnlyList<DeadLetter> List(int limit)
    {
        lock (db.Gate)
        {
            return db.Query(null, $"SELECT {StoreSql.WithoutBody(Columns, "x''")} FROM dead_letters ORDER BY id LIMIT $limit", DeadLetterTable.Read, ("$limit", limit));
        }
    }

    public long Count()
    {
        lock (db.Gate)
        {
            return db.Scalar<long>(null, "SELECT COUNT(*) FROM dead_letters");
        }
    }

    public bool Delete(long id)
    {
        lock (db.Gate)
        {
            return db.Execute(null, "DELETE FROM dead_letters WHERE id = $id", ("$id", id)) == 1;
        }
    }

    public long Delete(DeadLetterFilter filter)
    {
        lock (db.Gate)
        {
            return DeadLetterTable.Delete(db.Connection, null, filter);
        }
    }

    public void UpdateReason(long id, string reason, DateTimeOffset now)
    {
        lock (db.Gate)
        {
            db.Execute(null, "UPDATE dead_letters SET reason = $reason, dead_at = $now, attempts = attempts + 1 WHERE id = $id",
                ("$reason", reason), ("$now", now.ToUnixTimeMilliseconds()), ("$id", id));
        }
    }

    public long Requeue(DeadLetter deadLetter, DateTimeOffset now)
    {
        lock (db.Gate)
        {
            db.EnsureFile();
            using var transaction = db.Connection.BeginTransaction();
            var message = deadLetter.ToMessage(now);
            var id = OutboxTable.Insert(db.Connection, transaction, message);
            SqliteOutbox.PromoteHead(db, transaction, message.OrderingKey);
            db.Execute(transaction, "DELETE FROM dead_letters WHERE id = $id", ("$id", deadLetter.Id));
            transaction.Commit();
            return id;
        }
    }
}
