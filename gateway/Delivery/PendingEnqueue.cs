namespace HaloIlertGateway.Delivery;

/// <summary>
/// An event handed to a store's group commit (SQLite's or PostgreSQL's), and its caller's answer: its id and claim once
/// committed, or why not.
/// </summary>
internal sealed record PendingEnqueue(OutboxMessage Message, DateTimeOffset? ClaimUntil, TaskCompletionSource<(long Id, bool Claimed)> Done)
{
    /// <summary>Answers the caller once its batch has committed: its id and claim, or (null) the budget that refused it.</summary>
    public void Complete((long Id, bool Claimed)? result, StoreBudgets budgets)
    {
        if (result is { } stored)
        {
            Done.TrySetResult(stored);
        }
        else
        {
            Done.TrySetException(StoreBudgetException.For(Message.Probation, budgets));
        }
    }
}
