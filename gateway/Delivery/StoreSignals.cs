namespace HaloIlertGateway.Delivery;

/// <summary>
/// What the other replicas changed in the shared store, as this replica hears it (PostgreSQL's notifications, through
/// <see cref="Postgres.PostgresOutboxListener"/>): for the parts of the gateway outside Delivery that wait on it. A
/// handler only takes note; it runs on the listening connection's thread.
/// </summary>
internal sealed class StoreSignals
{
    /// <summary>A new version of a transform was recorded (<see cref="StoreSchema.TransformsChannel"/>).</summary>
    public event Action? TransformsChanged;

    public void RaiseTransformsChanged() => TransformsChanged?.Invoke();
}
