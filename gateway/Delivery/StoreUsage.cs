namespace HaloIlertGateway.Delivery;

/// <summary>
/// The bytes each class of row holds in the store now, counted as <see cref="StoreBudgets"/> counts them: events of known
/// keys, events of keys on probation, all dead letters, and of those the anonymous ones.
/// </summary>
internal sealed record StoreUsage(long Events, long Probation, long DeadLetters, long AnonymousDeadLetters)
{
    public long Total => Events + Probation + DeadLetters;
}
