namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// Calls that block (a database's synchronous API), made concurrently on threads of their own: many such calls on
/// thread-pool tasks starve the pool on a 2-core machine, and a test would measure that instead.
/// </summary>
public static class BlockingCalls
{
    public static T[] OnThreads<T>(int count, Func<int, T> call, int threads = 4)
    {
        var results = new T[count];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (var i = t; i < count; i += threads)
            {
                results[i] = call(i);
            }
        })).ToList();
        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        return results;
    }
}
