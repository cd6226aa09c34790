namespace HaloIlertGateway.Delivery;

/// <summary>
/// An event was not stored because a budget would be exceeded (<see cref="StoreBudgets"/>): <see cref="Probation"/>,
/// the share of keys ilert has not accepted yet (the sender is answered 503; known keys go on), or the outbox as a whole.
/// </summary>
internal sealed class StoreBudgetException(bool probation, string message) : OutboxUnavailableException(message)
{
    public bool Probation { get; } = probation;

    public static StoreBudgetException For(bool probation, StoreBudgets budgets) => probation
        ? new StoreBudgetException(true, $"events of integration keys ilert has not accepted yet hold their whole budget ({budgets.Probation} bytes)")
        : new StoreBudgetException(false, $"the outbox holds its whole budget (Gateway:Delivery:MaxOutboxBytes, {budgets.Total} bytes)");
}
