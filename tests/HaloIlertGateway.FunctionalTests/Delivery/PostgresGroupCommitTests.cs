using System.Text;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Postgres;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// The group commit of the PostgreSQL outbox: concurrent enqueues share transactions, in order per alert, each within
/// the budgets, and a stop leaves no caller waiting. A batch is made certain by holding an alert's advisory lock from
/// another connection: the writer's first batch waits on it while the next events queue behind it.
/// </summary>
public sealed class PostgresGroupCommitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task ConcurrentEnqueuesOfOneAlertFromManyTasksKeepTheirOrderAndAllComplete()
    {
        var (database, _) = await DatabaseAsync();
        await using var outbox = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(new DeliveryOptions()));
        var order = 0;
        var gate = new object();

        // 16 tasks hand over 25 events each, of one shared alert and of alerts of their own (which other writers
        // take): the order in which the shared alert's events were handed over is taken under a lock with the call.
        var perTask = await Task.WhenAll(Enumerable.Range(0, 16).Select(task => Task.Run(async () =>
        {
            var handed = new List<(int Seq, Task<(long Id, bool Claimed)> Stored)>();
            for (var i = 0; i < 25; i++)
            {
                lock (gate)
                {
                    handed.Add((order, outbox.EnqueueAsync(Event("shared", body: $"{{\"seq\":{order}}}"), claimUntil: null, Ct)));
                    order++;
                }

                await outbox.EnqueueAsync(Event($"own-{task}-{i % 3}"), claimUntil: null, Ct);
            }

            return await Task.WhenAll(handed.Select(async h => (h.Seq, (await h.Stored).Id)));
        })));

        var shared = perTask.SelectMany(stored => stored).OrderBy(stored => stored.Seq).ToList();
        Assert.Equal(400, shared.Count);
        Assert.Equal(shared.Select(s => s.Id).Order(), shared.Select(s => s.Id));
        Assert.Equal(800, (await outbox.StatsAsync(Ct)).Depth);
        Assert.Contains(shared[0].Id, (await outbox.DueAsync(T0, 100, DueFilter.Any, Ct)).Select(m => m.Id));
        Assert.True(outbox.Commits < 800, $"800 events took {outbox.Commits} transactions");
    }

    [Fact]
    public async Task ConcurrentEnqueuesCommitInFewerTransactionsThanEvents()
    {
        var (database, connectionString) = await DatabaseAsync();
        await using var outbox = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(new DeliveryOptions()), writers: 1);

        var (first, rest) = await WhileTheFirstBatchWaitsAsync(connectionString, outbox, () =>
            Enumerable.Range(0, 100).Select(i => outbox.EnqueueAsync(Event($"alert-{i}"), T0.AddSeconds(30), Ct)).ToList());

        await first;
        var stored = await Task.WhenAll(rest);
        Assert.Equal(100, stored.Select(s => s.Id).Distinct().Count());
        Assert.All(stored, s => Assert.True(s.Claimed));
        Assert.Equal(2, outbox.Commits);
    }

    [Fact]
    public async Task ABatchInWhichOneEventExceedsTheBudgetRefusesOnlyThatOne()
    {
        var (database, connectionString) = await DatabaseAsync();
        var options = new DeliveryOptions { MaxOutboxBytes = 8_000, MaxProbationBytes = 3_000 };
        await using var outbox = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(options), writers: 1);
        var kilobyte = new string('x', 1_000);

        var (first, batch) = await WhileTheFirstBatchWaitsAsync(connectionString, outbox, () =>
        [
            outbox.EnqueueAsync(Event("small-1", kilobyte), claimUntil: null, Ct),
            outbox.EnqueueAsync(Event("too-big", new string('x', 7_000)), claimUntil: null, Ct),
            outbox.EnqueueAsync(Event("probation-1", kilobyte, probation: true), claimUntil: null, Ct),
            outbox.EnqueueAsync(Event("probation-2", kilobyte, probation: true), claimUntil: null, Ct),
            outbox.EnqueueAsync(Event("probation-3", kilobyte, probation: true), claimUntil: null, Ct),
            outbox.EnqueueAsync(Event("small-2", kilobyte), claimUntil: null, Ct),
        ]);

        await first;
        Assert.False((await Assert.ThrowsAsync<StoreBudgetException>(() => batch[1])).Probation);
        Assert.True((await Assert.ThrowsAsync<StoreBudgetException>(() => batch[4])).Probation);
        foreach (var i in new[] { 0, 2, 3, 5 })
        {
            await batch[i];
        }

        Assert.Equal(2, outbox.Commits);
        Assert.Equal(
            ["ordering-blocker", "ordering-small-1", "ordering-probation-1", "ordering-probation-2", "ordering-small-2"],
            (await outbox.ListAsync(10, Ct)).Select(m => m.OrderingKey));
    }

    [Fact]
    public async Task AStopWithEnqueuesPendingCommitsThemWhenItCan()
    {
        var (database, _) = await DatabaseAsync();
        var outbox = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(new DeliveryOptions()));
        await outbox.StatsAsync(Ct);
        var pending = Enumerable.Range(0, 50).Select(i => outbox.EnqueueAsync(Event($"alert-{i}"), claimUntil: null, Ct)).ToList();

        await outbox.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(pending, task => Assert.True(task.IsCompletedSuccessfully));
        await Assert.ThrowsAsync<OutboxUnavailableException>(() => outbox.EnqueueAsync(Event("late"), claimUntil: null, Ct));
        await using var again = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(new DeliveryOptions()));
        Assert.Equal(50, (await again.StatsAsync(Ct)).Depth);
    }

    [Fact]
    public async Task AStopWhileTheDatabaseHoldsABatchFailsItsCallersAndNeverHangs()
    {
        var (database, connectionString) = await DatabaseAsync();
        var outbox = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(new DeliveryOptions()), writers: 1);
        await using var blocker = await HoldAlertAsync(connectionString, "ordering-blocker");
        var first = outbox.EnqueueAsync(Event("blocker"), claimUntil: null, Ct);
        await WaitForABlockedWriterAsync(connectionString);
        var queued = Enumerable.Range(0, 20).Select(i => outbox.EnqueueAsync(Event($"alert-{i}"), claimUntil: null, Ct)).ToList();

        await outbox.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        foreach (var task in queued.Prepend(first))
        {
            await Assert.ThrowsAsync<OutboxUnavailableException>(() => task.WaitAsync(TimeSpan.FromSeconds(1)));
        }

        await blocker.DisposeAsync();
        await using var again = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(new DeliveryOptions()));
        Assert.Equal(0, (await again.StatsAsync(Ct)).Depth);
    }

    /// <summary>
    /// Holds the alert "blocker" from another connection, hands its event over, waits until the writer waits on the
    /// lock, then hands <paramref name="handOver"/>'s events over (they queue for the next batch) and lets the first go.
    /// </summary>
    private static async Task<(Task<(long Id, bool Claimed)> First, List<Task<(long Id, bool Claimed)>> Others)> WhileTheFirstBatchWaitsAsync(
        string connectionString, PostgresOutbox outbox, Func<List<Task<(long Id, bool Claimed)>>> handOver)
    {
        await using var blocker = await HoldAlertAsync(connectionString, "ordering-blocker");
        var first = outbox.EnqueueAsync(Event("blocker"), claimUntil: null, Ct);
        await WaitForABlockedWriterAsync(connectionString);
        var rest = handOver();
        Assert.False(first.IsCompleted);
        return (first, rest);
    }

    /// <summary>
    /// A connection whose transaction holds an alert's advisory lock (as <c>PostgresDatabase.LockAlertAsync</c> takes
    /// it) until the connection is disposed (not pooled: its session ends, and the lock with it).
    /// </summary>
    private static async Task<NpgsqlConnection> HoldAlertAsync(string connectionString, string orderingKey)
    {
        var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("BEGIN; SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection) { Parameters = { new("key", "alert:" + orderingKey) } };
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static Task WaitForABlockedWriterAsync(string connectionString) => Eventually.TrueAsync(async () =>
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", connection);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }, "the writer to wait on the held alert", TimeSpan.FromSeconds(30));

    private static async Task<(PostgresDatabase Database, string ConnectionString)> DatabaseAsync()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        return (PostgresServer.OpenAsReplica(connectionString), connectionString);
    }

    private static OutboxMessage Event(string alert, string body = "{}", bool probation = false) => new(
        0, "halopsa", "ilert", "ordering-" + alert, probation ? "new-key" : "known-key", "POST", "/api/events",
        new Dictionary<string, string> { ["content-type"] = "application/json" }, Encoding.UTF8.GetBytes(body), T0, Probation: probation);
}
