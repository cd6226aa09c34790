using System.Data.Common;
using HaloIlertGateway.Delivery;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>The contract's part on the audit trail: its store reads the same on both providers, and the database keeps it append-only.</summary>
public abstract partial class OutboxContract
{
    [Fact]
    public async Task AuditEntriesAreListedNewestFirstInPagesThatFollowOnByTheirIds()
    {
        var audit = new AuditTrail(Store().Database);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await audit.AppendAsync(Entry("alice", "replay", T0.AddMinutes(i), target: i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Ct));
        }

        var first = await audit.ListAsync(new AuditQuery(2), Ct);
        var second = await audit.ListAsync(new AuditQuery(2, Before: first.Next), Ct);
        var last = await audit.ListAsync(new AuditQuery(2, Before: second.Next), Ct);

        Assert.Equal(ids, ids.Order());
        Assert.Equal([ids[4], ids[3]], first.Entries.Select(e => e.Id));
        Assert.Equal([ids[2], ids[1]], second.Entries.Select(e => e.Id));
        Assert.Equal([ids[0]], last.Entries.Select(e => e.Id));
        Assert.Equal((ids[3], ids[1], (long?)null), (first.Next, second.Next, last.Next));
        Assert.Null((await audit.ListAsync(new AuditQuery(5), Ct)).Next);
        Assert.Equal(Entry("alice", "replay", T0.AddMinutes(4), target: "4") with { Id = ids[4] }, first.Entries[0]);
    }

    [Fact]
    public async Task AuditEntriesAreFilteredByActorActionAndTimeAllTogether()
    {
        var audit = new AuditTrail(Store().Database);
        var alice = await audit.AppendAsync(Entry("alice", "replay", T0), Ct);
        var bob = await audit.AppendAsync(Entry("bob", "replay", T0.AddMinutes(1)), Ct);
        var aliceLater = await audit.AppendAsync(Entry("alice", "dead-letter-delete", T0.AddMinutes(2)), Ct);
        var noTarget = await audit.AppendAsync(new AuditEntry(0, T0.AddMinutes(3), "alice", "replay-all", null, null, 500, AuditEntry.Failed, null), Ct);

        async Task<IEnumerable<long>> IdsAsync(AuditQuery query) => (await audit.ListAsync(query, Ct)).Entries.Select(e => e.Id);

        Assert.Equal([noTarget, aliceLater, alice], await IdsAsync(new AuditQuery(10, Actor: "alice")));
        Assert.Equal([bob, alice], await IdsAsync(new AuditQuery(10, Action: "replay")));
        Assert.Equal([alice], await IdsAsync(new AuditQuery(10, Actor: "alice", Action: "replay")));
        // Since is inclusive, until exclusive.
        Assert.Equal([aliceLater, bob], await IdsAsync(new AuditQuery(10, Since: T0.AddMinutes(1), Until: T0.AddMinutes(3))));
        Assert.Equal([aliceLater], await IdsAsync(new AuditQuery(10, Actor: "alice", Since: T0.AddMinutes(1), Until: T0.AddMinutes(3))));
        Assert.Empty(await IdsAsync(new AuditQuery(10, Actor: "carol")));
        Assert.Equal(new AuditEntry(noTarget, T0.AddMinutes(3), "alice", "replay-all", null, null, 500, AuditEntry.Failed, null),
            (await audit.ListAsync(new AuditQuery(1), Ct)).Entries[0]);
    }

    [Fact]
    public async Task AuditEntriesCannotBeChangedOrDeletedEvenByTheDatabasesOwnSql()
    {
        var database = Store().Database;
        var audit = new AuditTrail(database);
        var id = await audit.AppendAsync(Entry("alice", "dead-letter-delete", T0), Ct);

        string[] changes = ["UPDATE audit SET actor = 'mallory' WHERE id = @id", "UPDATE audit SET detail = NULL", "DELETE FROM audit WHERE id = @id", "DELETE FROM audit"];
        foreach (var change in changes)
        {
            var refused = await Assert.ThrowsAnyAsync<DbException>(() => database.InTransactionAsync((connection, transaction) =>
                StoreSql.ExecuteAsync(connection, transaction, change, Ct, ("@id", id)), Ct));
            Assert.Contains("audit is append-only", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(Entry("alice", "dead-letter-delete", T0) with { Id = id }, Assert.Single((await audit.ListAsync(new AuditQuery(10), Ct)).Entries));
    }

    private static AuditEntry Entry(string actor, string action, DateTimeOffset at, string? target = "42") =>
        new(0, at, actor, action, target, "192.0.2.7", 200, AuditEntry.Succeeded, "a detail");
}
