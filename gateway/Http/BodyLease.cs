namespace HaloIlertGateway.Http;

/// <summary>What one request holds of the <see cref="BodyBudget"/>; all of it is given back when the request ends.</summary>
internal sealed class BodyLease(BodyBudget budget, string client) : IDisposable
{
    private long _taken;

    /// <summary>Whether the sender is known (a key ilert accepted, an authenticated caller): it may use the reserved part.</summary>
    public bool Known { get; set; }

    /// <summary>How long reading the body may take, in all.</summary>
    public TimeSpan ReadTimeout => budget.ReadTimeout;

    /// <summary>Takes <paramref name="bytes"/> more; false (and nothing taken) when the budget or the client's share would be exceeded.</summary>
    public bool TryTake(int bytes)
    {
        if (!budget.TryTake(client, bytes, Known))
        {
            return false;
        }

        Interlocked.Add(ref _taken, bytes);
        return true;
    }

    public void Dispose()
    {
        var taken = Interlocked.Exchange(ref _taken, 0);
        if (taken > 0)
        {
            budget.Give(client, taken);
        }
    }
}
