using System.Data.Common;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The store's database as the pieces that read the same SQL on both providers use it (key classes, the replay guard,
/// the dead letters' upkeep): one transaction at a time, committed when <c>work</c> returns, rolled back when it
/// throws. SQLite serializes them on its one connection; PostgreSQL runs them on pooled connections.
/// </summary>
internal interface IStoreDatabase
{
    T InTransaction<T>(Func<DbConnection, DbTransaction, T> work);

    /// <summary>
    /// Reads, outside a transaction: what is read may be read from a file that is no longer at its path (a SQLite outbox
    /// deleted under the gateway), which writes refuse but reads need not.
    /// </summary>
    T Read<T>(Func<DbConnection, T> work);
}
