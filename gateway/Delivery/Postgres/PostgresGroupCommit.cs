using System.Threading.Channels;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// The group commit of <see cref="PostgresOutbox"/>'s inserts: events that requests hand over at the same time are
/// committed together, up to <see cref="MaxBatch"/> in one transaction (<see cref="PostgresEnqueueBatch"/>), so that a
/// burst pays one round trip and one commit per batch, not several per event. Several writers run at once, each on its own
/// connection; an alert always goes to the same writer (by its ordering key), and a writer commits its batches one
/// after another, so the events of one alert are stored in the order this process was handed them. Replicas commit
/// their batches concurrently; the advisory locks on the alerts keep each alert's order across them.
/// </summary>
internal sealed class PostgresGroupCommit : IAsyncDisposable
{
    public const int MaxBatch = 256;

    /// <summary>How long a stop waits for the writers to commit what they hold, before cancelling them, and again after.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly PostgresDatabase _db;
    private readonly StoreBudgets _budgets;
    private readonly string _replica;
    private readonly Channel<PendingEnqueue>[] _lanes;
    private readonly List<PendingEnqueue>?[] _inFlight;
    private readonly Task[] _writers;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private long _commits;

    public PostgresGroupCommit(PostgresDatabase db, StoreBudgets budgets, string replica, int writers)
    {
        _db = db;
        _budgets = budgets;
        _replica = replica;
        _lanes = [.. Enumerable.Range(0, writers).Select(_ => Channel.CreateUnbounded<PendingEnqueue>())];
        _inFlight = new List<PendingEnqueue>?[writers];
        _writers = [.. Enumerable.Range(0, writers).Select(lane => Task.Run(() => WriteBatchesAsync(lane)))];
    }

    /// <summary>The transactions committed so far (each holds one batch).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Hands the event to its alert's writer; completes when its batch is committed, or with why it was not stored.</summary>
    public Task<(long Id, bool Claimed)> EnqueueAsync(OutboxMessage message, DateTimeOffset? claimUntil)
    {
        var done = new TaskCompletionSource<(long Id, bool Claimed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lane = _lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(message.OrderingKey) % (uint)_lanes.Length)];
        if (!lane.Writer.TryWrite(new PendingEnqueue(message, claimUntil, done)))
        {
            done.SetException(Stopped(null));
        }

        return done.Task;
    }

    /// <summary>
    /// Takes no more events and lets the writers commit what they were handed, for up to <see cref="Grace"/>; then cancels
    /// what is still running, and fails every caller still waiting: none is left waiting.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        var writers = Task.WhenAll(_writers);
        if (await Task.WhenAny(writers, Task.Delay(Grace)) != writers)
        {
            await _stopping.CancelAsync();
            await Task.WhenAny(writers, Task.Delay(Grace));
        }

        // A writer that did not come back even so: its callers, and what it had not taken yet, are told.
        foreach (var pending in _inFlight.SelectMany(batch => batch ?? []).Concat(_lanes.SelectMany(Drain)))
        {
            pending.Done.TrySetException(Stopped(null));
        }

        if (writers.IsCompleted)
        {
            _stopping.Dispose();
        }
    }

    private static IEnumerable<PendingEnqueue> Drain(Channel<PendingEnqueue> lane)
    {
        while (lane.Reader.TryRead(out var pending))
        {
            yield return pending;
        }
    }

    private static OutboxUnavailableException Stopped(Exception? inner) => new("The gateway is stopping: the event was not stored.", inner);

    private async Task WriteBatchesAsync(int lane)
    {
        var reader = _lanes[lane].Reader;
        var batch = new List<PendingEnqueue>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            _inFlight[lane] = batch;
            try
            {
                // The callers' tokens are not passed on: a batch is committed whole or not at all, whoever stopped waiting.
                (long Id, bool Claimed)?[] results;
                await using (var connection = await _db.OpenAsync(_stopping.Token))
                {
                    results = await PostgresEnqueueBatch.CommitAsync(connection, batch, _budgets, _replica, _stopping.Token);
                }

                Interlocked.Increment(ref _commits);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Complete(results[i], _budgets);
                }
            }
            catch (Exception ex)
            {
                // Nothing of the batch was committed: every caller learns so (and answers its client with an error).
                var error = _stopping.IsCancellationRequested ? Stopped(ex) : ex;
                batch.ForEach(pending => pending.Done.TrySetException(error));
            }

            _inFlight[lane] = null;
            batch = new List<PendingEnqueue>(MaxBatch);
        }
    }
}
