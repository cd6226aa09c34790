using System.Data.Common;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The store's database as the pieces that read the same SQL on both providers use it (key classes, the replay guard,
/// the dead letters' upkeep): one transaction at a time, committed when <c>work</c> completes, rolled back when it
/// throws. SQLite serializes them on its one connection; PostgreSQL runs them on pooled connections. Asynchronous all
/// the way: on PostgreSQL every call is a round trip on the network.
/// </summary>
internal interface IStoreDatabase
{
    Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Reads, outside a transaction: what is read may be read from a file that is no longer at its path (a SQLite outbox
    /// deleted under the gateway), which writes refuse but reads need not.
    /// </summary>
    Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken);
}
