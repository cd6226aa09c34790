namespace HaloIlertGateway.Delivery;

/// <summary>The store behind the outbox.</summary>
public enum StoreProvider
{
    Sqlite,
    Postgres,
}
