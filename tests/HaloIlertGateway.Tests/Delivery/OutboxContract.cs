using System.Text;
using HaloIlertGateway.Delivery;

namespace HaloIlertGateway.Tests.Delivery;

/// <summary>
/// What every <see cref="IOutbox"/> and <see cref="IDeadLetterStore"/> must do, with no server: an implementation's
/// test class derives from this one and says how to open a fresh store (and how to open the same one again).
/// </summary>
public abstract class OutboxContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly List<IDisposable> _opened = [];

    /// <summary>Opens the store under test: a fresh one, or (<paramref name="reopen"/>) the one opened last, after closing it.</summary>
    private protected abstract (IOutbox Outbox, IDeadLetterStore DeadLetters, IDisposable Handle) Open(bool reopen = false);

    private (IOutbox Outbox, IDeadLetterStore DeadLetters) Store(bool reopen = false)
    {
        if (reopen)
        {
            _opened.ForEach(handle => handle.Dispose());
            _opened.Clear();
        }

        var (outbox, deadLetters, handle) = Open(reopen);
        _opened.Add(handle);
        return (outbox, deadLetters);
    }

    [Fact]
    public async Task EventsAreNumberedInTheOrderTheyWereStored()
    {
        var (outbox, _) = Store();
        var first = await outbox.EnqueueAsync(Event("a"), claimUntil: null);
        var second = await outbox.EnqueueAsync(Event("b"), claimUntil: null);

        Assert.True(second.Id > first.Id);
        Assert.Equal([first.Id, second.Id], outbox.List(10).Select(m => m.Id));
    }

    [Fact]
    public async Task OnlyTheOldestEventOfAnAlertIsDueAndTheNextFollowsWhenItIsRemoved()
    {
        var (outbox, _) = Store();
        var (first, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);
        var (second, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);
        var (other, _) = await outbox.EnqueueAsync(Event("alert-2"), claimUntil: null);

        Assert.Equal([first, other], outbox.Due(T0, 10).Select(m => m.Id));
        outbox.Remove(first);
        Assert.Equal([second, other], outbox.Due(T0, 10).Select(m => m.Id));
    }

    [Fact]
    public async Task AnEventIsClaimedOnEnqueueOnlyWhenItHeadsItsAlertAndAClaimIsAsked()
    {
        var (outbox, _) = Store();

        Assert.True((await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30))).Claimed);
        Assert.False((await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30))).Claimed);
        Assert.False((await outbox.EnqueueAsync(Event("alert-2"), claimUntil: null)).Claimed);
    }

    [Fact]
    public async Task AClaimedEventIsNotDueAndNotClaimableUntilItsClaimRunsOutOrIsReleased()
    {
        var (outbox, _) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);

        Assert.True(outbox.TryClaim(id, T0, T0.AddSeconds(30)));
        Assert.False(outbox.TryClaim(id, T0.AddSeconds(1), T0.AddSeconds(31)));
        Assert.Empty(outbox.Due(T0.AddSeconds(1), 10));
        Assert.Equal(T0.AddSeconds(30), outbox.NextDue());

        Assert.Equal([id], outbox.Due(T0.AddSeconds(31), 10).Select(m => m.Id));
        Assert.True(outbox.TryClaim(id, T0.AddSeconds(31), T0.AddSeconds(61)));
        outbox.Release(id);
        Assert.Equal([id], outbox.Due(T0.AddSeconds(32), 10).Select(m => m.Id));
    }

    [Fact]
    public async Task RunningClaimsAreListedAsLeasesUntilTheyRunOutOrEnd()
    {
        var (outbox, _) = Store();
        var (claimed, _) = await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30));
        var (released, _) = await outbox.EnqueueAsync(Event("alert-2"), T0.AddSeconds(30));
        outbox.Release(released);

        var lease = Assert.Single(outbox.Leases(T0));
        Assert.Equal((claimed, "halopsa", T0.AddSeconds(30)), (lease.EventId, lease.Route, lease.Until));
        Assert.False(string.IsNullOrEmpty(lease.Replica));
        Assert.Empty(outbox.Leases(T0.AddSeconds(31)));
    }

    [Fact]
    public async Task ARescheduledEventCountsTheAttemptAndWaitsForItsTime()
    {
        var (outbox, _) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30));

        outbox.Reschedule(id, T0.AddMinutes(2), "ilert answered 503", 503);

        Assert.Empty(outbox.Due(T0.AddMinutes(1), 10));
        var due = Assert.Single(outbox.Due(T0.AddMinutes(2), 10));
        Assert.Equal((1, "ilert answered 503", 503), (due.Attempts, due.LastError, due.LastStatus));
        Assert.Equal(T0.AddMinutes(2), outbox.NextDue());
    }

    [Fact]
    public async Task ABuriedEventBecomesADeadLetterAndItsAlertGoesOn()
    {
        var (outbox, deadLetters) = Store();
        var (first, _) = await outbox.EnqueueAsync(Event("alert-1", body: "{\"n\":1}"), claimUntil: null);
        var (second, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);
        var message = outbox.List(10).Single(m => m.Id == first);

        outbox.Bury(message with { Attempts = 3, LastStatus = 400 }, DeadLetter.IlertRejected, "ilert answered 400", T0.AddMinutes(1));

        var dead = Assert.Single(deadLetters.List(10));
        Assert.Equal((DeadLetter.IlertRejected, "ilert answered 400", 3, 400, "{\"n\":1}"), (dead.Kind, dead.Reason, dead.Attempts, dead.LastStatus, Encoding.UTF8.GetString(dead.Body)));
        Assert.Equal(message.OrderingKey, dead.OrderingKey);
        Assert.Equal([second], outbox.Due(T0.AddMinutes(1), 10).Select(m => m.Id));
        Assert.Equal(1, deadLetters.Count());
    }

    [Fact]
    public async Task AReplayedDeadLetterQueuesBehindItsAlertsPendingEvents()
    {
        var (outbox, deadLetters) = Store();
        var (first, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);
        outbox.Bury(outbox.List(10).Single(), DeadLetter.Expired, "too old", T0);
        var (pending, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);

        var requeued = deadLetters.Requeue(Assert.Single(deadLetters.List(10)), T0.AddMinutes(1));

        Assert.NotEqual(first, requeued);
        Assert.Empty(deadLetters.List(10));
        Assert.Equal([pending], outbox.Due(T0.AddMinutes(1), 10).Select(m => m.Id));
        outbox.Remove(pending);
        Assert.Equal([requeued], outbox.Due(T0.AddMinutes(1), 10).Select(m => m.Id));
    }

    [Fact]
    public void DeadLettersAreKeptReadUpdatedAndDeleted()
    {
        var (_, deadLetters) = Store();
        var id = deadLetters.Add(new DeadLetter(0, DeadLetter.TransformFailed, "error: boom", "halopsa", "ilert", null, null, "POST", "/api/v1/events/halopsa/k",
            new Dictionary<string, string> { ["content-type"] = "application/json" }, "{}"u8.ToArray(), new Dictionary<string, string> { ["integrationKey"] = "k" }, T0, T0, 1, null));

        deadLetters.UpdateReason(id, "error: still", T0.AddMinutes(5));

        var read = deadLetters.Get(id)!;
        Assert.Equal(("error: still", 2, T0.AddMinutes(5), "k"), (read.Reason, read.Attempts, read.DeadAt, read.RouteValues["integrationKey"]));
        Assert.True(deadLetters.Delete(id));
        Assert.False(deadLetters.Delete(id));
        Assert.Null(deadLetters.Get(id));
    }

    [Fact]
    public async Task StatsCountTheEventsAndDateTheOldest()
    {
        var (outbox, _) = Store();
        Assert.Equal((0, null), outbox.Stats());

        await outbox.EnqueueAsync(Event("a", createdAt: T0.AddMinutes(1)), claimUntil: null);
        await outbox.EnqueueAsync(Event("b", createdAt: T0), claimUntil: null);

        Assert.Equal((2, T0), outbox.Stats());
        outbox.CheckWritable();
    }

    [Fact]
    public async Task ConcurrentEnqueuesAllCommitWithDistinctIds()
    {
        var (outbox, _) = Store();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => outbox.EnqueueAsync(Event($"alert-{i % 7}"), claimUntil: null)));

        Assert.Equal(200, results.Select(r => r.Id).Distinct().Count());
        Assert.Equal(7, outbox.Due(T0, 100).Count);
    }

    [Fact]
    public async Task WhatWasCommittedIsThereAfterTheStoreIsOpenedAgain()
    {
        var (outbox, _) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("alert-1", body: "{\"kept\":true}"), claimUntil: null);

        var (again, _) = Store(reopen: true);

        var kept = Assert.Single(again.Due(T0, 10));
        Assert.Equal((id, "{\"kept\":true}"), (kept.Id, Encoding.UTF8.GetString(kept.Body)));
    }

    public void Dispose()
    {
        _opened.ForEach(handle => handle.Dispose());
        GC.SuppressFinalize(this);
    }

    private static OutboxMessage Event(string alert, string body = "{}", DateTimeOffset? createdAt = null) => new(
        0, "halopsa", "ilert", "ordering-" + alert, "pacing-key", "POST", "/api/events",
        new Dictionary<string, string> { ["content-type"] = "application/json" }, Encoding.UTF8.GetBytes(body), createdAt ?? T0);
}
