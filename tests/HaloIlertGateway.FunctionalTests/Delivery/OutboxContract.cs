using System.Text;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Security;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// What every <see cref="IOutbox"/> and <see cref="IDeadLetterStore"/> must do, asynchronously, with no server: an implementation's
/// test class derives from this one and says how to open a fresh store (and how to open the same one again).
/// </summary>
public abstract partial class OutboxContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    /// <summary>No test here is cancelled: the token every store call takes.</summary>
    private static readonly CancellationToken Ct = CancellationToken.None;
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
        var first = await outbox.EnqueueAsync(Event("a"), claimUntil: null, Ct);
        var second = await outbox.EnqueueAsync(Event("b"), claimUntil: null, Ct);

        Assert.True(second.Id > first.Id);
        Assert.Equal([first.Id, second.Id], (await outbox.ListAsync(10, Ct)).Select(m => m.Id));
    }

    [Fact]
    public async Task OnlyTheOldestEventOfAnAlertIsDueAndTheNextFollowsWhenItIsRemoved()
    {
        var (outbox, _) = Store();
        var (first, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null, Ct);
        var (second, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null, Ct);
        var (other, _) = await outbox.EnqueueAsync(Event("alert-2"), claimUntil: null, Ct);

        Assert.Equal([first, other], (await outbox.DueAsync(T0, 10, DueFilter.Any, Ct)).Select(m => m.Id));
        await outbox.RemoveAsync(first, Ct);
        Assert.Equal([second, other], (await outbox.DueAsync(T0, 10, DueFilter.Any, Ct)).Select(m => m.Id));
    }

    [Fact]
    public async Task AnEventIsClaimedOnEnqueueOnlyWhenItHeadsItsAlertAndAClaimIsAsked()
    {
        var (outbox, _) = Store();

        Assert.True((await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30), Ct)).Claimed);
        Assert.False((await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30), Ct)).Claimed);
        Assert.False((await outbox.EnqueueAsync(Event("alert-2"), claimUntil: null, Ct)).Claimed);
    }

    [Fact]
    public async Task AClaimedEventIsNotDueAndNotClaimableUntilItsClaimRunsOutOrIsReleased()
    {
        var (outbox, _) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null, Ct);

        Assert.True(await outbox.TryClaimAsync(id, T0, T0.AddSeconds(30), Ct));
        Assert.False(await outbox.TryClaimAsync(id, T0.AddSeconds(1), T0.AddSeconds(31), Ct));
        Assert.Empty(await outbox.DueAsync(T0.AddSeconds(1), 10, DueFilter.Any, Ct));
        Assert.Equal(T0.AddSeconds(30), await outbox.NextDueAsync(Ct));

        Assert.Equal([id], (await outbox.DueAsync(T0.AddSeconds(31), 10, DueFilter.Any, Ct)).Select(m => m.Id));
        Assert.True(await outbox.TryClaimAsync(id, T0.AddSeconds(31), T0.AddSeconds(61), Ct));
        await outbox.ReleaseAsync(id, Ct);
        Assert.Equal([id], (await outbox.DueAsync(T0.AddSeconds(32), 10, DueFilter.Any, Ct)).Select(m => m.Id));
    }

    [Fact]
    public async Task RunningClaimsAreListedAsLeasesUntilTheyRunOutOrEnd()
    {
        var (outbox, _) = Store();
        var (claimed, _) = await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30), Ct);
        var (released, _) = await outbox.EnqueueAsync(Event("alert-2"), T0.AddSeconds(30), Ct);
        await outbox.ReleaseAsync(released, Ct);

        var lease = Assert.Single(await outbox.LeasesAsync(T0, Ct));
        Assert.Equal((claimed, "halopsa", T0.AddSeconds(30)), (lease.EventId, lease.Route, lease.Until));
        Assert.False(string.IsNullOrEmpty(lease.Replica));
        Assert.Empty(await outbox.LeasesAsync(T0.AddSeconds(31), Ct));
    }

    [Fact]
    public async Task ARescheduledEventCountsTheAttemptAndWaitsForItsTime()
    {
        var (outbox, _) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30), Ct);

        await outbox.RescheduleAsync(id, T0.AddMinutes(2), "ilert answered 503", 503, Ct);

        Assert.Empty(await outbox.DueAsync(T0.AddMinutes(1), 10, DueFilter.Any, Ct));
        var due = Assert.Single(await outbox.DueAsync(T0.AddMinutes(2), 10, DueFilter.Any, Ct));
        Assert.Equal((1, "ilert answered 503", 503), (due.Attempts, due.LastError, due.LastStatus));
        Assert.Equal(T0.AddMinutes(2), await outbox.NextDueAsync(Ct));
    }

    [Fact]
    public async Task AnEventMovedToTheDeadLettersIsOneAndItsAlertGoesOn()
    {
        var (outbox, deadLetters) = Store();
        var (first, _) = await outbox.EnqueueAsync(Event("alert-1", body: "{\"n\":1}"), claimUntil: null, Ct);
        var (second, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null, Ct);
        var message = (await outbox.DueAsync(T0, 10, DueFilter.Any, Ct)).Single(m => m.Id == first);

        await outbox.MoveToDeadLettersAsync(message with { Attempts = 3, LastStatus = 400 }, DeadLetter.IlertRejected, "ilert answered 400", T0.AddMinutes(1), Ct);

        var dead = (await deadLetters.GetAsync(Assert.Single(await deadLetters.ListAsync(10, Ct)).Id, Ct))!;
        Assert.Equal((DeadLetter.IlertRejected, "ilert answered 400", 3, 400, "{\"n\":1}"), (dead.Kind, dead.Reason, dead.Attempts, dead.LastStatus, Encoding.UTF8.GetString(dead.Body)));
        Assert.Equal(message.OrderingKey, dead.OrderingKey);
        Assert.Equal([second], (await outbox.DueAsync(T0.AddMinutes(1), 10, DueFilter.Any, Ct)).Select(m => m.Id));
        Assert.Equal(1, await deadLetters.CountAsync(Ct));
    }

    [Fact]
    public async Task AReplayedDeadLetterQueuesBehindItsAlertsPendingEvents()
    {
        var (outbox, deadLetters) = Store();
        var (first, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null, Ct);
        await outbox.MoveToDeadLettersAsync((await outbox.ListAsync(10, Ct)).Single(), DeadLetter.Expired, "too old", T0, Ct);
        var (pending, _) = await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null, Ct);

        var requeued = await deadLetters.RequeueAsync(Assert.Single(await deadLetters.ListAsync(10, Ct)), T0.AddMinutes(1), Ct);

        Assert.NotEqual(first, requeued);
        Assert.Empty(await deadLetters.ListAsync(10, Ct));
        Assert.Equal([pending], (await outbox.DueAsync(T0.AddMinutes(1), 10, DueFilter.Any, Ct)).Select(m => m.Id));
        await outbox.RemoveAsync(pending, Ct);
        Assert.Equal([requeued], (await outbox.DueAsync(T0.AddMinutes(1), 10, DueFilter.Any, Ct)).Select(m => m.Id));
    }

    [Fact]
    public async Task DeadLettersAreKeptReadUpdatedAndDeleted()
    {
        var (_, deadLetters) = Store();
        var id = await deadLetters.AddAsync(new DeadLetter(0, DeadLetter.TransformFailed, "error: boom", "halopsa", "ilert", null, null, "POST", "/api/v1/events/halopsa/k",
            new Dictionary<string, string> { ["content-type"] = "application/json" }, "{}"u8.ToArray(), new Dictionary<string, string> { ["integrationKey"] = "k" }, T0, T0, 1, null), Ct);

        await deadLetters.UpdateReasonAsync(id, "error: still", T0.AddMinutes(5), Ct);

        var read = (await deadLetters.GetAsync(id, Ct))!;
        Assert.Equal(("error: still", 2, T0.AddMinutes(5), "k"), (read.Reason, read.Attempts, read.DeadAt, read.RouteValues["integrationKey"]));
        Assert.True(await deadLetters.DeleteAsync(id, Ct));
        Assert.False(await deadLetters.DeleteAsync(id, Ct));
        Assert.Null(await deadLetters.GetAsync(id, Ct));
    }

    [Fact]
    public async Task StatsCountTheEventsAndDateTheOldest()
    {
        var (outbox, _) = Store();
        Assert.Equal((0, null), await outbox.StatsAsync(Ct));

        await outbox.EnqueueAsync(Event("a", createdAt: T0.AddMinutes(1)), claimUntil: null, Ct);
        await outbox.EnqueueAsync(Event("b", createdAt: T0), claimUntil: null, Ct);

        Assert.Equal((2, T0), await outbox.StatsAsync(Ct));
        await outbox.CheckWritableAsync(Ct);
    }

    [Fact]
    public async Task ConcurrentEnqueuesAllCommitWithDistinctIds()
    {
        var (outbox, _) = Store();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => outbox.EnqueueAsync(Event($"alert-{i % 7}"), claimUntil: null, Ct)));

        Assert.Equal(200, results.Select(r => r.Id).Distinct().Count());
        Assert.Equal(7, (await outbox.DueAsync(T0, 100, DueFilter.Any, Ct)).Count);
    }

    [Fact]
    public async Task WhatWasCommittedIsThereAfterTheStoreIsOpenedAgain()
    {
        var (outbox, _) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("alert-1", body: "{\"kept\":true}"), claimUntil: null, Ct);

        var (again, _) = Store(reopen: true);

        var kept = Assert.Single(await again.DueAsync(T0, 10, DueFilter.Any, Ct));
        Assert.Equal((id, "{\"kept\":true}"), (kept.Id, Encoding.UTF8.GetString(kept.Body)));
    }

    [Fact]
    public async Task KnownKeysHeadsComeFirstAndKeysTakeTurnsSoNoBacklogHoldsAnotherKeyBack()
    {
        var (outbox, _) = Store();
        var a1 = (await outbox.EnqueueAsync(Event("a1", key: "busy"), claimUntil: null, Ct)).Id;
        var a2 = (await outbox.EnqueueAsync(Event("a2", key: "busy"), claimUntil: null, Ct)).Id;
        var a3 = (await outbox.EnqueueAsync(Event("a3", key: "busy"), claimUntil: null, Ct)).Id;
        var stranger = (await outbox.EnqueueAsync(Event("s1", key: "stranger", probation: true), claimUntil: null, Ct)).Id;
        var b1 = (await outbox.EnqueueAsync(Event("b1", key: "quiet"), claimUntil: null, Ct)).Id;

        Assert.Equal([a1, b1, stranger], (await outbox.DueAsync(T0, 10, new DueFilter([], Probation: true, PerKey: 1), Ct)).Select(m => m.Id));
        Assert.Equal([a1, b1, a2, stranger], (await outbox.DueAsync(T0, 10, new DueFilter([], Probation: true, PerKey: 2), Ct)).Select(m => m.Id));
        Assert.Equal([a1, b1, a2, a3], (await outbox.DueAsync(T0, 10, new DueFilter([], Probation: false, PerKey: 5), Ct)).Select(m => m.Id));
        Assert.Equal([b1, stranger], (await outbox.DueAsync(T0, 10, new DueFilter(["busy"], Probation: true, PerKey: 5), Ct)).Select(m => m.Id));
        Assert.True((await outbox.DueAsync(T0, 10, new DueFilter([], Probation: true, PerKey: 5), Ct)).Single(m => m.Id == stranger).Probation);
    }

    [Fact]
    public async Task AKeyOnProbationHasOneEventInFlightAtATime()
    {
        var (outbox, _) = Store();
        var first = (await outbox.EnqueueAsync(Event("p1", key: "new", probation: true), T0.AddSeconds(30), Ct)).Id;
        var (second, claimedOnEnqueue) = await outbox.EnqueueAsync(Event("p2", key: "new", probation: true), T0.AddSeconds(30), Ct);
        var known = (await outbox.EnqueueAsync(Event("k1", key: "old"), claimUntil: null, Ct)).Id;

        Assert.False(claimedOnEnqueue);
        Assert.False(await outbox.TryClaimAsync(second, T0, T0.AddSeconds(30), Ct));
        Assert.True(await outbox.TryClaimAsync(known, T0, T0.AddSeconds(30), Ct));
        await outbox.ReleaseAsync(first, Ct);
        Assert.True(await outbox.TryClaimAsync(second, T0, T0.AddSeconds(30), Ct));
        Assert.False(await outbox.TryClaimAsync(first, T0, T0.AddSeconds(30), Ct));
        // A claim that ran out is no longer in flight.
        Assert.True(await outbox.TryClaimAsync(first, T0.AddSeconds(31), T0.AddSeconds(61), Ct));
    }

    [Fact]
    public async Task AnEventPastItsBudgetIsRefusedAndNothingOfItIsKept()
    {
        var (outbox, _) = Store(options: new DeliveryOptions { MaxOutboxBytes = 8_000, MaxProbationBytes = 3_000 });
        var body = new string('x', 1_000);

        await outbox.EnqueueAsync(Event("p1", body, key: "new", probation: true), claimUntil: null, Ct);
        await outbox.EnqueueAsync(Event("p2", body, key: "new", probation: true), claimUntil: null, Ct);
        var probation = await Assert.ThrowsAsync<StoreBudgetException>(() => outbox.EnqueueAsync(Event("p3", body, key: "new", probation: true), claimUntil: null, Ct));
        Assert.True(probation.Probation);

        // Known keys go on, up to the outbox's own budget.
        for (var i = 0; i < 4; i++)
        {
            await outbox.EnqueueAsync(Event($"k{i}", body, key: "old"), claimUntil: null, Ct);
        }

        var full = await Assert.ThrowsAsync<StoreBudgetException>(() => outbox.EnqueueAsync(Event("k9", body, key: "old"), claimUntil: null, Ct));
        Assert.False(full.Probation);
        Assert.Equal(6, (await outbox.StatsAsync(Ct)).Depth);
        await Assert.ThrowsAsync<StoreBudgetException>(() => outbox.CheckWritableAsync(Ct));
        var usage = await outbox.UsageAsync(Ct);
        Assert.Equal((2 * Size(body), 4 * Size(body)), (usage.Probation, usage.Events));
    }

    [Fact]
    public async Task UsageFollowsEveryRowInAndOut()
    {
        var (outbox, deadLetters) = Store();
        var (id, _) = await outbox.EnqueueAsync(Event("a", "{\"n\":1}"), claimUntil: null, Ct);
        Assert.Equal(Size("{\"n\":1}"), (await outbox.UsageAsync(Ct)).Events);

        await outbox.MoveToDeadLettersAsync((await outbox.DueAsync(T0, 10, DueFilter.Any, Ct)).Single(), DeadLetter.Expired, "why", T0, Ct);
        var usage = await outbox.UsageAsync(Ct);
        Assert.Equal((0L, 0L), (usage.Events, usage.AnonymousDeadLetters));
        Assert.True(usage.DeadLetters > 0);

        await deadLetters.RequeueAsync((await deadLetters.GetAsync(Assert.Single(await deadLetters.ListAsync(10, Ct)).Id, Ct))!, T0, Ct);
        Assert.Equal((Size("{\"n\":1}"), 0L), ((await outbox.UsageAsync(Ct)).Events, (await outbox.UsageAsync(Ct)).DeadLetters));
        await outbox.RemoveAsync(Assert.Single(await outbox.DueAsync(T0, 10, DueFilter.Any, Ct)).Id, Ct);
        Assert.Equal(0, (await outbox.UsageAsync(Ct)).Total);
        Assert.NotEqual(0, id);
    }

    [Fact]
    public async Task DeadLettersArePrunedOldestFirstAnonymousOnesFirst()
    {
        var (_, deadLetters) = Store(options: new DeliveryOptions { DeadLetters = { MaxBytes = 6_000, MaxAnonymousBytes = 2_600 } });
        var anonymous = await AddInTurnAsync(deadLetters, 3, () => Dead(DeadLetter.Rejected, 1_000, anonymous: true));

        // Three anonymous ones of about 1,300 bytes: the oldest went to keep them within 2,600.
        Assert.Equal(anonymous[1..], (await deadLetters.ListAsync(10, Ct)).Select(d => d.Id));

        var known = await AddInTurnAsync(deadLetters, 3, () => Dead(DeadLetter.TransformFailed, 1_000, anonymous: false));

        Assert.Equal([anonymous[2], .. known], (await deadLetters.ListAsync(10, Ct)).Select(d => d.Id));

        // All within 6,000: the anonymous one goes before any other, then the oldest.
        var fourth = await deadLetters.AddAsync(Dead(DeadLetter.TransformFailed, 1_000, anonymous: false), Ct);
        Assert.Equal([.. known, fourth], (await deadLetters.ListAsync(10, Ct)).Select(d => d.Id));
        var fifth = await deadLetters.AddAsync(Dead(DeadLetter.TransformFailed, 1_000, anonymous: false), Ct);
        Assert.Equal([known[1], known[2], fourth, fifth], (await deadLetters.ListAsync(10, Ct)).Select(d => d.Id));
    }

    [Fact]
    public async Task AnAcknowledgedEventIsNeverAnonymousOnlyIlertsRefusalOfANeverAcceptedKeyIs()
    {
        var (outbox, deadLetters) = Store();
        await outbox.EnqueueAsync(Event("expired", key: "new", probation: true), claimUntil: null, Ct);
        await outbox.EnqueueAsync(Event("refused", key: "new", probation: true), claimUntil: null, Ct);
        var (expired, refused) = ((await outbox.DueAsync(T0, 10, DueFilter.Any, Ct))[0], (await outbox.DueAsync(T0, 10, DueFilter.Any, Ct))[1]);

        await outbox.MoveToDeadLettersAsync(expired, DeadLetter.Expired, "not delivered within a day", T0, Ct);
        await outbox.MoveToDeadLettersAsync(refused, DeadLetter.IlertRejected, "ilert answered 404", T0, Ct);

        Assert.Equal([(DeadLetter.Expired, false), (DeadLetter.IlertRejected, true)], (await deadLetters.ListAsync(10, Ct)).Select(d => (d.Kind, d.Anonymous)));
    }

    [Fact]
    public async Task DeadLettersAreDeletedInBulkByKindRouteAndAge()
    {
        var (_, deadLetters) = Store();
        var old = await deadLetters.AddAsync(Dead(DeadLetter.Rejected, 10, anonymous: true, deadAt: T0.AddDays(-3)), Ct);
        var rejected = await deadLetters.AddAsync(Dead(DeadLetter.Rejected, 10, anonymous: true), Ct);
        var otherRoute = await deadLetters.AddAsync(Dead(DeadLetter.Rejected, 10, anonymous: true, route: "zendesk"), Ct);
        var failed = await deadLetters.AddAsync(Dead(DeadLetter.TransformFailed, 10, anonymous: false), Ct);

        Assert.Equal(1, await deadLetters.DeleteAsync(new DeadLetterFilter(null, null, T0.AddDays(-1)), Ct));
        Assert.Equal(1, await deadLetters.DeleteAsync(new DeadLetterFilter(DeadLetter.Rejected, "halopsa", null), Ct));
        Assert.Equal([otherRoute, failed], (await deadLetters.ListAsync(10, Ct)).Select(d => d.Id));
        Assert.Equal(2, await deadLetters.DeleteAsync(new DeadLetterFilter(null, null, T0.AddSeconds(1)), Ct));
        Assert.NotEqual(old, rejected);
    }

    [Fact]
    public async Task ListingsReadNoBodies()
    {
        var (outbox, deadLetters) = Store();
        await outbox.EnqueueAsync(Event("a", "{\"big\":true}"), claimUntil: null, Ct);
        var id = await deadLetters.AddAsync(Dead(DeadLetter.Rejected, 100, anonymous: true), Ct);

        Assert.Empty(Assert.Single(await outbox.ListAsync(10, Ct)).Body);
        Assert.Empty(Assert.Single(await deadLetters.ListAsync(10, Ct)).Body);
        Assert.Equal(100, (await deadLetters.GetAsync(id, Ct))!.Body.Length);
    }

    [Fact]
    public async Task AKeyIlertAcceptedIsKnownAndItsEventsLeaveProbation()
    {
        var store = Store();
        var keys = new KeyClassStore(store.Database);
        var (id, _) = await store.Outbox.EnqueueAsync(Event("p", key: "new", probation: true), claimUntil: null, Ct);
        Assert.Equal((KeyClass.Probation, null), await keys.GetAsync("new", T0, Ct));

        await keys.SetKnownAsync("new", T0, Ct);

        Assert.Equal((KeyClass.Known, null), await keys.GetAsync("new", T0, Ct));
        Assert.False(Assert.Single(await store.Outbox.DueAsync(T0, 10, new DueFilter([], Probation: false, PerKey: 1), Ct)).Probation);
        Assert.Equal((0L, Size("{}")), ((await store.Outbox.UsageAsync(Ct)).Probation, (await store.Outbox.UsageAsync(Ct)).Events));
        Assert.Equal((1L, 0L), await keys.CountAsync(T0, Ct));
        Assert.NotEqual(0, id);
    }

    [Fact]
    public async Task AKeyIlertRefusedIsRefusedUntilItsRefusalEndsThenOnProbationAgain()
    {
        var keys = new KeyClassStore(Store().Database);

        await keys.SetRefusedAsync("bad", T0.AddMinutes(15), T0, Ct);

        Assert.Equal((KeyClass.Refused, T0.AddMinutes(15)), await keys.GetAsync("bad", T0.AddMinutes(1), Ct));
        Assert.Equal((0L, 1L), await keys.CountAsync(T0.AddMinutes(1), Ct));
        Assert.Equal((KeyClass.Probation, null), await keys.GetAsync("bad", T0.AddMinutes(15), Ct));
        Assert.Equal(0, await keys.PruneAsync(T0.AddMinutes(14), Ct));
        Assert.Equal(1, await keys.PruneAsync(T0.AddMinutes(15), Ct));
        await keys.SetRefusedAsync("bad", T0.AddMinutes(30), T0, Ct);
        await keys.SetKnownAsync("bad", T0.AddMinutes(2), Ct);
        Assert.Equal((KeyClass.Known, null), await keys.GetAsync("bad", T0.AddMinutes(3), Ct));
    }

    [Fact]
    public async Task ASignatureMarkIsHeldThenConfirmedOrForgottenAllOrNone()
    {
        var guard = new ReplayGuardStore(Store().Database);

        Assert.Equal(ReplayCheck.Held, await guard.TryHoldAsync(["sig-1", "delivery-1"], T0.AddMinutes(2), T0, Ct));
        Assert.Equal(ReplayCheck.InProgress, await guard.TryHoldAsync(["sig-1"], T0.AddMinutes(2), T0.AddMinutes(1), Ct));
        await guard.ConfirmAsync(["sig-1", "delivery-1"], T0.AddMinutes(10), Ct);
        Assert.Equal(ReplayCheck.Replayed, await guard.TryHoldAsync(["sig-1"], T0.AddMinutes(5), T0.AddMinutes(3), Ct));
        Assert.Equal(ReplayCheck.Replayed, await guard.TryHoldAsync(["sig-2", "delivery-1"], T0.AddMinutes(5), T0.AddMinutes(3), Ct));
        // "sig-2" was not kept by the refusal above: all or none.
        Assert.Equal(ReplayCheck.Held, await guard.TryHoldAsync(["sig-2"], T0.AddMinutes(5), T0.AddMinutes(3), Ct));
        await guard.ForgetAsync(["sig-2"], Ct);
        Assert.Equal(ReplayCheck.Held, await guard.TryHoldAsync(["sig-2"], T0.AddMinutes(6), T0.AddMinutes(4), Ct));

        // A confirmed mark expires; a hold that was never confirmed or forgotten (a process that died) runs out too.
        Assert.Equal(ReplayCheck.Held, await guard.TryHoldAsync(["sig-1"], T0.AddMinutes(12), T0.AddMinutes(10), Ct));
        Assert.Equal(ReplayCheck.Held, await guard.TryHoldAsync(["sig-2"], T0.AddMinutes(8), T0.AddMinutes(6), Ct));
        Assert.Equal(2, await guard.PruneAsync(T0.AddMinutes(10), Ct));
    }

    public void Dispose()
    {
        _opened.ForEach(handle => handle.Dispose());
        GC.SuppressFinalize(this);
    }

    private static OutboxMessage Event(string alert, string body = "{}", DateTimeOffset? createdAt = null, string key = "pacing-key", bool probation = false) => new(
        0, "halopsa", "ilert", "ordering-" + alert, key, "POST", "/api/events",
        new Dictionary<string, string> { ["content-type"] = "application/json" }, Encoding.UTF8.GetBytes(body), createdAt ?? T0, Probation: probation);

    /// <summary>Adds <paramref name="count"/> dead letters one after another (their ids in that order).</summary>
    private static async Task<List<long>> AddInTurnAsync(IDeadLetterStore deadLetters, int count, Func<DeadLetter> make)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await deadLetters.AddAsync(make(), Ct));
        }

        return ids;
    }

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
