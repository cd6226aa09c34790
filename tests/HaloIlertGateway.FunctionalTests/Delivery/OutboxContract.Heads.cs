using HaloIlertGateway.Delivery;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>The contract's part on heads: one per alert whatever runs at once, and the worker's queries over many of them.</summary>
public abstract partial class OutboxContract
{
    [Fact]
    public async Task AHeadRemovedOrDeadLetteredWhileItsAlertsNextEventIsStoredLeavesExactlyOneHead()
    {
        var (outbox, _) = Store();
        var heads = new List<OutboxMessage>();
        for (var i = 0; i < 40; i++)
        {
            var (id, _) = await outbox.EnqueueAsync(Event($"race-{i}"), T0.AddSeconds(30), Ct);
            heads.Add(Event($"race-{i}") with { Id = id });
        }

        // All at once: on a shared database each call is a connection of its own, and every removal races an insert.
        var next = heads.Select(head => outbox.EnqueueAsync(head with { Id = 0 }, claimUntil: null, Ct)).ToList();
        await Task.WhenAll(heads.Select((head, i) => i % 2 == 0
            ? outbox.RemoveAsync(head.Id, Ct)
            : outbox.MoveToDeadLettersAsync(head, DeadLetter.IlertRejected, "ilert answered 400", T0, Ct)).Concat(next));

        var due = await outbox.DueAsync(T0, 1_000, DueFilter.Any, Ct);
        Assert.Equal((await Task.WhenAll(next)).Select(r => r.Id).Order(), due.Select(m => m.Id).Order());
        Assert.Equal(heads.Count, due.Select(m => m.OrderingKey).Distinct().Count());
    }

    [Fact]
    public async Task MovingAHeadToTheDeadLettersMakesTheNextEventOfItsAlertTheHeadAndOnlyThatOne()
    {
        var (outbox, _) = Store();
        var first = (await outbox.EnqueueAsync(Event("alert-1"), T0.AddSeconds(30), Ct)).Id;
        var second = (await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null, Ct)).Id;
        var third = (await outbox.EnqueueAsync(Event("alert-1"), claimUntil: null, Ct)).Id;
        Assert.False(await outbox.TryClaimAsync(second, T0, T0.AddSeconds(30), Ct));

        await outbox.MoveToDeadLettersAsync((await outbox.ListAsync(10, Ct)).Single(m => m.Id == first), DeadLetter.Expired, "too old", T0, Ct);

        Assert.Equal([second], (await outbox.DueAsync(T0, 10, DueFilter.Any, Ct)).Select(m => m.Id));
        Assert.False(await outbox.TryClaimAsync(third, T0, T0.AddSeconds(30), Ct));
        Assert.True(await outbox.TryClaimAsync(second, T0, T0.AddSeconds(30), Ct));
        Assert.Equal(T0.AddSeconds(30), await outbox.NextDueAsync(Ct));
    }

    [Fact]
    public async Task TheNextDueTimeIsTheEarliestHeadsAndEventsBehindAHeadDoNotCount()
    {
        var (outbox, _) = Store();
        for (var i = 0; i < 30; i++)
        {
            var (head, _) = await outbox.EnqueueAsync(Event($"alert-{i}"), claimUntil: null, Ct);
            await outbox.EnqueueAsync(Event($"alert-{i}"), claimUntil: null, Ct);
            await outbox.RescheduleAsync(head, T0.AddMinutes(10 + i), "ilert answered 503", 503, Ct);
        }

        var (claimed, _) = await outbox.EnqueueAsync(Event("claimed"), T0.AddMinutes(12), Ct);
        Assert.Equal(T0.AddMinutes(10), await outbox.NextDueAsync(Ct));

        await outbox.RescheduleAsync((await outbox.ListAsync(1, Ct)).Single().Id, T0.AddMinutes(45), "ilert answered 503", 503, Ct);
        Assert.Equal(T0.AddMinutes(11), await outbox.NextDueAsync(Ct));
        await outbox.ReleaseAsync(claimed, Ct);
        Assert.Equal(T0, await outbox.NextDueAsync(Ct));
    }

    [Fact]
    public async Task DueHeadsOfManyKeysAreTakenInTurnsKnownKeysFirstAsTheFilterAsks()
    {
        var (outbox, _) = Store();
        var keys = new[] { ("k-busy", false, 6), ("k-quiet", false, 1), ("k-new", true, 4), ("k-mid", false, 3), ("k-stranger", true, 2), ("k-other", false, 5) };
        var heads = new List<(long Id, string Key, bool Probation)>();
        for (var round = 0; round < 6; round++)
        {
            foreach (var (key, probation, alerts) in keys.Where(k => round < k.Item3))
            {
                var (id, _) = await outbox.EnqueueAsync(Event($"{key}-{round}", key: key, probation: probation), claimUntil: null, Ct);
                // Every other alert has an event behind its head: never due while the head is pending.
                if (round % 2 == 0)
                {
                    await outbox.EnqueueAsync(Event($"{key}-{round}", key: key, probation: probation), claimUntil: null, Ct);
                }

                // Some heads are not due: one claimed, one waiting for its retry.
                if ((key, round) is ("k-busy", 1) or ("k-new", 0))
                {
                    Assert.True(await outbox.TryClaimAsync(id, T0, T0.AddSeconds(30), Ct));
                }
                else if ((key, round) is ("k-other", 2) or ("k-mid", 0))
                {
                    await outbox.RescheduleAsync(id, T0.AddMinutes(5), "ilert answered 503", 503, Ct);
                }
                else
                {
                    heads.Add((id, key, probation));
                }
            }
        }

        foreach (var filter in Filters())
        {
            foreach (var limit in LimitsAsked)
            {
                var expected = TakeAsBefore(heads, limit, filter);
                var due = await outbox.DueAsync(T0, limit, filter, Ct);
                Assert.True(expected.SequenceEqual(due.Select(m => m.Id)),
                    $"limit {limit}, per key {filter.PerKey}, probation {filter.Probation}, skip [{string.Join(", ", filter.SkipKeys)}]: expected [{string.Join(", ", expected)}], got [{string.Join(", ", due.Select(m => m.Id))}]");
            }
        }
    }

    private static readonly string[][] SkipKeysAsked = [[], ["k-busy"], ["k-busy", "k-stranger"]];
    private static readonly int[] LimitsAsked = [1, 3, 7, 100];
    private static readonly bool[] ProbationAsked = [true, false];
    private static readonly int[] PerKeyAsked = [1, 2, 3, 5, int.MaxValue];

    private static IEnumerable<DueFilter> Filters() =>
        from skip in SkipKeysAsked
        from probation in ProbationAsked
        from perKey in PerKeyAsked
        select new DueFilter(skip, probation, perKey);

    /// <summary>
    /// What the store answered before heads were read key by key: every due head the filter allows, numbered in turns
    /// per key by id, those within the filter's turns, by class, turn and id.
    /// </summary>
    private static List<long> TakeAsBefore(List<(long Id, string Key, bool Probation)> dueHeads, int limit, DueFilter filter) =>
        dueHeads.Where(h => (!h.Probation || filter.Probation) && !filter.SkipKeys.Contains(h.Key))
            .GroupBy(h => h.Key)
            .SelectMany(key => key.OrderBy(h => h.Id).Select((h, i) => (h.Id, h.Probation, Turn: i + 1)))
            .Where(h => h.Turn <= filter.PerKey)
            .OrderBy(h => h.Probation).ThenBy(h => h.Turn).ThenBy(h => h.Id)
            .Take(limit).Select(h => h.Id).ToList();
}
