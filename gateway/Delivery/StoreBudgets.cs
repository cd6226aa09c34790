namespace HaloIlertGateway.Delivery;

/// <summary>
/// What a store holds its rows to, in bytes (a row counts its body, headers and path, plus <see cref="RowOverhead"/>):
/// everything together (<paramref name="Total"/>, <see cref="DeliveryOptions.MaxOutboxBytes"/>), events of keys on
/// probation, dead letters, and dead letters of anonymous input. Events of known keys may use what the others leave, and
/// the others can never take more than their own budgets: so known keys always have at least
/// <paramref name="Total"/> minus <paramref name="Probation"/> minus <paramref name="DeadLetters"/>.
/// </summary>
internal sealed record StoreBudgets(long Total, long Probation, long DeadLetters, long AnonymousDeadLetters)
{
    /// <summary>What a row costs beyond its body, headers and path (its other columns, its index entries).</summary>
    public const int RowOverhead = 256;
}
