using System.Text;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Security;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// What every <see cref="IOutbox"/> and <see cref="IDeadLetterStore"/> must do, with no server: an implementation's
/// test class derives from this one and says how to open a fresh store (and how to open the same one again).
/// </summary>
public abstract class OutboxContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly List<IDisposable> _opened = [];

    /// <summary>
    /// Opens the store under test with <paramref name="options"/>' budgets: a fresh one, or (<paramref name="reopen"/>)
    /// the one opened last, after closing it.
    /// </summary>
    private protected abstract StoreUnderTest Open(bool reopen, DeliveryOptions options);

    private protected StoreUnderTest Store(bool reopen = false, DeliveryOptions? options = null)
    {
        if (reopen)
        {
            _opened.ForEach(handle => handle.Dispose());
            _opened.Clear();
        }

        var store = Open(reopen, options ?? new DeliveryOptions());
        _opened.Add(store.Handle);
        return store;
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

        Assert.Equal([first, other], outbox.Due(T0, 10, DueFilter.Any).Select(m => m.Id));
        outbox.Remove(first);
        Assert.Equal([second, other], outbox.Due(T0, 10, DueFilter.Any).Select(m => m.Id));
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
        Assert.Empty(outbox.Due(T0.AddSeconds(1), 10, DueFilter.Any));
        Assert.Equal(T0.AddSeconds(30), outbox.NextDue());

        Assert.Equal([id], outbox.Due(T0.AddSeconds(31), 10, DueFilter.Any).Select(m => m.Id));
        Assert.True(outbox.TryClaim(id, T0.AddSeconds(31), T0.AddSeconds(61)));
        outbox.Release(id);
        Assert.Equal([id], outbox.Due(T0.AddSeconds(32), 10, DueFilter.Any).Select(m => m.Id));
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

        Assert.Empty(outbox.Due(T0.AddMinutes(1), 10, DueFilter.Any));
        var due = Assert.Single(outbox.Due(T0.AddMinutes(2), 10, DueFilter.Any));
        Assert.Equal((1, "ilert answered 503", 503), (due.Attempts, due.LastError, due.LastStatus));
        Assert.Equal(T0.AddMinutes(2), outbox.NextDue());
    }

    [Fact]
    public async Task AnEventMovedToTheDeadLettersIsOneAndItsAlertGoesOn()
    {
        var (outbox, deadLetters) = Store();
        var (first, _) = await outbox.EnqueueAsync(Event("alert-1", body: "{\"n\":1}"), claimUntil: null);
        var (second, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);
        var message = outbox.Due(T0, 10, DueFilter.Any).Single(m => m.Id == first);

        outbox.MoveToDeadLetters(message with { Attempts = 3, LastStatus = 400 }, DeadLetter.IlertRejected, "ilert answered 400", T0.AddMinutes(1));

        var dead = deadLetters.Get(Assert.Single(deadLetters.List(10)).Id)!;
        Assert.Equal((DeadLetter.IlertRejected, "ilert answered 400", 3, 400, "{\"n\":1}"), (dead.Kind, dead.Reason, dead.Attempts, dead.LastStatus, Encoding.UTF8.GetString(dead.Body)));
        Assert.Equal(message.OrderingKey, dead.OrderingKey);
        Assert.Equal([second], outbox.Due(T0.AddMinutes(1), 10, DueFilter.Any).Select(m => m.Id));
        Assert.Equal(1, deadLetters.Count());
    }

    [Fact]
    public async Task AReplayedDeadLetterQueuesBehindItsAlertsPendingEvents()
    {
        var (outbox, deadLetters) = Store();
        var (first, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);
        outbox.MoveToDeadLetters(outbox.List(10).Single(), DeadLetter.Expired, "too old", T0);
        var (pending, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null);

        var requeued = deadLetters.Requeue(Assert.Single(deadLetters.List(10)), T0.AddMinutes(1));

        Assert.NotEqual(first, requeued);
        Assert.Empty(deadLetters.List(10));
        Assert.Equal([pending], outbox.Due(T0.AddMinutes(1), 10, DueFilter.Any).Select(m => m.Id));
        outbox.Remove(pending);
        Assert.Equal([requeued], outbox.Due(T0.AddMinutes(1), 10, DueFilter.Any).Select(m => m.Id));
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
        Assert.Equal(7, outbox.Due(T0, 100, DueFilter.Any).Count);
    }

    [Fact]
    public async Task WhatWasCommittedIsThereAfterTheStoreIsOpenedAgain()
    {
        var (outbox, _) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("alert-1", body: "{\"kept\":true}"), claimUntil: null);

        var (again, _) = Store(reopen: true);

        var kept = Assert.Single(again.Due(T0, 10, DueFilter.Any));
        Assert.Equal((id, "{\"kept\":true}"), (kept.Id, Encoding.UTF8.GetString(kept.Body)));
    }

    [Fact]
    public async Task KnownKeysHeadsComeFirstAndKeysTakeTurnsSoNoBacklogHoldsAnotherKeyBack()
    {
        var (outbox, _) = Store();
        var a1 = (await outbox.EnqueueAsync(Event("a1", key: "busy"), claimUntil: null)).Id;
        var a2 = (await outbox.EnqueueAsync(Event("a2", key: "busy"), claimUntil: null)).Id;
        var a3 = (await outbox.EnqueueAsync(Event("a3", key: "busy"), claimUntil: null)).Id;
        var stranger = (await outbox.EnqueueAsync(Event("s1", key: "stranger", probation: true), claimUntil: null)).Id;
        var b1 = (await outbox.EnqueueAsync(Event("b1", key: "quiet"), claimUntil: null)).Id;

        Assert.Equal([a1, b1, stranger], outbox.Due(T0, 10, new DueFilter([], Probation: true, PerKey: 1)).Select(m => m.Id));
        Assert.Equal([a1, b1, a2, stranger], outbox.Due(T0, 10, new DueFilter([], Probation: true, PerKey: 2)).Select(m => m.Id));
        Assert.Equal([a1, b1, a2, a3], outbox.Due(T0, 10, new DueFilter([], Probation: false, PerKey: 5)).Select(m => m.Id));
        Assert.Equal([b1, stranger], outbox.Due(T0, 10, new DueFilter(["busy"], Probation: true, PerKey: 5)).Select(m => m.Id));
        Assert.True(outbox.Due(T0, 10, new DueFilter([], Probation: true, PerKey: 5)).Single(m => m.Id == stranger).Probation);
    }

    [Fact]
    public async Task AKeyOnProbationHasOneEventInFlightAtATime()
    {
        var (outbox, _) = Store();
        var first = (await outbox.EnqueueAsync(Event("p1", key: "new", probation: true), T0.AddSeconds(30))).Id;
        var (second, claimedOnEnqueue) = await outbox.EnqueueAsync(Event("p2", key: "new", probation: true), T0.AddSeconds(30));
        var known = (await outbox.EnqueueAsync(Event("k1", key: "old"), claimUntil: null)).Id;

        Assert.False(claimedOnEnqueue);
        Assert.False(outbox.TryClaim(second, T0, T0.AddSeconds(30)));
        Assert.True(outbox.TryClaim(known, T0, T0.AddSeconds(30)));
        outbox.Release(first);
        Assert.True(outbox.TryClaim(second, T0, T0.AddSeconds(30)));
        Assert.False(outbox.TryClaim(first, T0, T0.AddSeconds(30)));
        // A claim that ran out is no longer in flight.
        Assert.True(outbox.TryClaim(first, T0.AddSeconds(31), T0.AddSeconds(61)));
    }

    [Fact]
    public async Task AnEventPastItsBudgetIsRefusedAndNothingOfItIsKept()
    {
        var (outbox, _) = Store(options: new DeliveryOptions { MaxOutboxBytes = 8_000, MaxProbationBytes = 3_000 });
        var body = new string('x', 1_000);

        await outbox.EnqueueAsync(Event("p1", body, key: "new", probation: true), claimUntil: null);
        await outbox.EnqueueAsync(Event("p2", body, key: "new", probation: true), claimUntil: null);
        var probation = await Assert.ThrowsAsync<StoreBudgetException>(() => outbox.EnqueueAsync(Event("p3", body, key: "new", probation: true), claimUntil: null));
        Assert.True(probation.Probation);

        // Known keys go on, up to the outbox's own budget.
        for (var i = 0; i < 4; i++)
        {
            await outbox.EnqueueAsync(Event($"k{i}", body, key: "old"), claimUntil: null);
        }

        var full = await Assert.ThrowsAsync<StoreBudgetException>(() => outbox.EnqueueAsync(Event("k9", body, key: "old"), claimUntil: null));
        Assert.False(full.Probation);
        Assert.Equal(6, outbox.Stats().Depth);
        Assert.Throws<StoreBudgetException>(outbox.CheckWritable);
        var usage = outbox.Usage();
        Assert.Equal((2 * Size(body), 4 * Size(body)), (usage.Probation, usage.Events));
    }

    [Fact]
    public async Task UsageFollowsEveryRowInAndOut()
    {
        var (outbox, deadLetters) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("a", "{\"n\":1}"), claimUntil: null);
        Assert.Equal(Size("{\"n\":1}"), outbox.Usage().Events);

        outbox.MoveToDeadLetters(outbox.Due(T0, 10, DueFilter.Any).Single(), DeadLetter.Expired, "why", T0);
        var usage = outbox.Usage();
        Assert.Equal((0L, 0L), (usage.Events, usage.AnonymousDeadLetters));
        Assert.True(usage.DeadLetters > 0);

        deadLetters.Requeue(deadLetters.Get(Assert.Single(deadLetters.List(10)).Id)!, T0);
        Assert.Equal((Size("{\"n\":1}"), 0L), (outbox.Usage().Events, outbox.Usage().DeadLetters));
        outbox.Remove(Assert.Single(outbox.Due(T0, 10, DueFilter.Any)).Id);
        Assert.Equal(0, outbox.Usage().Total);
        Assert.NotEqual(0, id);
    }

    [Fact]
    public void DeadLettersArePrunedOldestFirstAnonymousOnesFirst()
    {
        var (_, deadLetters) = Store(options: new DeliveryOptions { DeadLetters = { MaxBytes = 6_000, MaxAnonymousBytes = 2_600 } });
        var anonymous = Enumerable.Range(0, 3).Select(_ => deadLetters.Add(Dead(DeadLetter.Rejected, 1_000, anonymous: true))).ToList();

        // Three anonymous ones of about 1,300 bytes: the oldest went to keep them within 2,600.
        Assert.Equal(anonymous[1..], deadLetters.List(10).Select(d => d.Id));

        var known = Enumerable.Range(0, 3).Select(_ => deadLetters.Add(Dead(DeadLetter.TransformFailed, 1_000, anonymous: false))).ToList();

        Assert.Equal([anonymous[2], .. known], deadLetters.List(10).Select(d => d.Id));

        // All within 6,000: the anonymous one goes before any other, then the oldest.
        var fourth = deadLetters.Add(Dead(DeadLetter.TransformFailed, 1_000, anonymous: false));
        Assert.Equal([.. known, fourth], deadLetters.List(10).Select(d => d.Id));
        var fifth = deadLetters.Add(Dead(DeadLetter.TransformFailed, 1_000, anonymous: false));
        Assert.Equal([known[1], known[2], fourth, fifth], deadLetters.List(10).Select(d => d.Id));
    }

    [Fact]
    public async Task AnAcknowledgedEventIsNeverAnonymousOnlyIlertsRefusalOfANeverAcceptedKeyIs()
    {
        var (outbox, deadLetters) = Store();
        await outbox.EnqueueAsync(Event("expired", key: "new", probation: true), claimUntil: null);
        await outbox.EnqueueAsync(Event("refused", key: "new", probation: true), claimUntil: null);
        var (expired, refused) = (outbox.Due(T0, 10, DueFilter.Any)[0], outbox.Due(T0, 10, DueFilter.Any)[1]);

        outbox.MoveToDeadLetters(expired, DeadLetter.Expired, "not delivered within a day", T0);
        outbox.MoveToDeadLetters(refused, DeadLetter.IlertRejected, "ilert answered 404", T0);

        Assert.Equal([(DeadLetter.Expired, false), (DeadLetter.IlertRejected, true)], deadLetters.List(10).Select(d => (d.Kind, d.Anonymous)));
    }

    [Fact]
    public void DeadLettersAreDeletedInBulkByKindRouteAndAge()
    {
        var (_, deadLetters) = Store();
        var old = deadLetters.Add(Dead(DeadLetter.Rejected, 10, anonymous: true, deadAt: T0.AddDays(-3)));
        var rejected = deadLetters.Add(Dead(DeadLetter.Rejected, 10, anonymous: true));
        var otherRoute = deadLetters.Add(Dead(DeadLetter.Rejected, 10, anonymous: true, route: "zendesk"));
        var failed = deadLetters.Add(Dead(DeadLetter.TransformFailed, 10, anonymous: false));

        Assert.Equal(1, deadLetters.Delete(new DeadLetterFilter(null, null, T0.AddDays(-1))));
        Assert.Equal(1, deadLetters.Delete(new DeadLetterFilter(DeadLetter.Rejected, "halopsa", null)));
        Assert.Equal([otherRoute, failed], deadLetters.List(10).Select(d => d.Id));
        Assert.Equal(2, deadLetters.Delete(new DeadLetterFilter(null, null, T0.AddSeconds(1))));
        Assert.NotEqual(old, rejected);
    }

    [Fact]
    public async Task ListingsReadNoBodies()
    {
        var (outbox, deadLetters) = Store();
        await outbox.EnqueueAsync(Event("a", "{\"big\":true}"), claimUntil: null);
        var id = deadLetters.Add(Dead(DeadLetter.Rejected, 100, anonymous: true));

        Assert.Empty(Assert.Single(outbox.List(10)).Body);
        Assert.Empty(Assert.Single(deadLetters.List(10)).Body);
        Assert.Equal(100, deadLetters.Get(id)!.Body.Length);
    }

    [Fact]
    public async Task AKeyIlertAcceptedIsKnownAndItsEventsLeaveProbation()
    {
        var store = Store();
        var keys = new KeyClassStore(store.Database);
        var (id, _) = await store.Outbox.EnqueueAsync(Event("p", key: "new", probation: true), claimUntil: null);
        Assert.Equal((KeyClass.Probation, null), keys.Get("new", T0));

        keys.SetKnown("new", T0);

        Assert.Equal((KeyClass.Known, null), keys.Get("new", T0));
        Assert.False(Assert.Single(store.Outbox.Due(T0, 10, new DueFilter([], Probation: false, PerKey: 1))).Probation);
        Assert.Equal((0L, Size("{}")), (store.Outbox.Usage().Probation, store.Outbox.Usage().Events));
        Assert.Equal((1L, 0L), keys.Count(T0));
        Assert.NotEqual(0, id);
    }

    [Fact]
    public void AKeyIlertRefusedIsRefusedUntilItsRefusalEndsThenOnProbationAgain()
    {
        var keys = new KeyClassStore(Store().Database);

        keys.SetRefused("bad", T0.AddMinutes(15), T0);

        Assert.Equal((KeyClass.Refused, T0.AddMinutes(15)), keys.Get("bad", T0.AddMinutes(1)));
        Assert.Equal((0L, 1L), keys.Count(T0.AddMinutes(1)));
        Assert.Equal((KeyClass.Probation, null), keys.Get("bad", T0.AddMinutes(15)));
        Assert.Equal(0, keys.Prune(T0.AddMinutes(14)));
        Assert.Equal(1, keys.Prune(T0.AddMinutes(15)));
        keys.SetRefused("bad", T0.AddMinutes(30), T0);
        keys.SetKnown("bad", T0.AddMinutes(2));
        Assert.Equal((KeyClass.Known, null), keys.Get("bad", T0.AddMinutes(3)));
    }

    [Fact]
    public void ASignatureMarkIsHeldThenConfirmedOrForgottenAllOrNone()
    {
        var guard = new ReplayGuardStore(Store().Database);

        Assert.Equal(ReplayCheck.Held, guard.TryHold(["sig-1", "delivery-1"], T0.AddMinutes(2), T0));
        Assert.Equal(ReplayCheck.InProgress, guard.TryHold(["sig-1"], T0.AddMinutes(2), T0.AddMinutes(1)));
        guard.Confirm(["sig-1", "delivery-1"], T0.AddMinutes(10));
        Assert.Equal(ReplayCheck.Replayed, guard.TryHold(["sig-1"], T0.AddMinutes(5), T0.AddMinutes(3)));
        Assert.Equal(ReplayCheck.Replayed, guard.TryHold(["sig-2", "delivery-1"], T0.AddMinutes(5), T0.AddMinutes(3)));
        // "sig-2" was not kept by the refusal above: all or none.
        Assert.Equal(ReplayCheck.Held, guard.TryHold(["sig-2"], T0.AddMinutes(5), T0.AddMinutes(3)));
        guard.Forget(["sig-2"]);
        Assert.Equal(ReplayCheck.Held, guard.TryHold(["sig-2"], T0.AddMinutes(6), T0.AddMinutes(4)));

        // A confirmed mark expires; a hold that was never confirmed or forgotten (a process that died) runs out too.
        Assert.Equal(ReplayCheck.Held, guard.TryHold(["sig-1"], T0.AddMinutes(12), T0.AddMinutes(10)));
        Assert.Equal(ReplayCheck.Held, guard.TryHold(["sig-2"], T0.AddMinutes(8), T0.AddMinutes(6)));
        Assert.Equal(2, guard.Prune(T0.AddMinutes(10)));
    }

    public void Dispose()
    {
        _opened.ForEach(handle => handle.Dispose());
        GC.SuppressFinalize(this);
    }

    private static OutboxMessage Event(string alert, string body = "{}", DateTimeOffset? createdAt = null, string key = "pacing-key", bool probation = false) => new(
        0, "halopsa", "ilert", "ordering-" + alert, key, "POST", "/api/events",
        new Dictionary<string, string> { ["content-type"] = "application/json" }, Encoding.UTF8.GetBytes(body), createdAt ?? T0, Probation: probation);

    private static DeadLetter Dead(string kind, int bodyBytes, bool anonymous, DateTimeOffset? deadAt = null, string route = "halopsa") => new(
        0, kind, "why", route, "ilert", null, null, "POST", "/api/v1/events/halopsa/k", new Dictionary<string, string>(), new byte[bodyBytes],
        new Dictionary<string, string>(), T0, deadAt ?? T0, 1, null, anonymous);

    /// <summary>What an event of <paramref name="body"/> counts against the budgets (as <see cref="Event"/> makes it).</summary>
    private static long Size(string body) =>
        Encoding.UTF8.GetByteCount(body) + "{\"content-type\":\"application/json\"}".Length + "/api/events".Length + StoreBudgets.RowOverhead;

    /// <summary>An outbox, its dead letters and its database (for the pieces that share SQL on both providers).</summary>
    private protected sealed record StoreUnderTest(IOutbox Outbox, IDeadLetterStore DeadLetters, IStoreDatabase Database, IDisposable Handle)
    {
        public void Deconstruct(out IOutbox outbox, out IDeadLetterStore deadLetters) => (outbox, deadLetters) = (Outbox, DeadLetters);
    }
}
