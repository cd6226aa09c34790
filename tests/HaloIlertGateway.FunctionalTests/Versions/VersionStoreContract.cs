using System.Data.Common;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Versions;

namespace HaloIlertGateway.FunctionalTests.Versions;

/// <summary>
/// What every provider's version store must do, run unchanged on SQLite and on PostgreSQL: numbers per transform from
/// 1, versions read back whole and never changed, a content recorded once however many replicas record it, and a
/// conditional record that only one of several concurrent writers wins.
/// </summary>
public abstract class VersionStoreContract
{
    /// <summary>A store database; several calls on PostgreSQL are several replicas on one database.</summary>
    private protected abstract IStoreDatabase OpenReplica();

    private protected static VersionDraft Draft(string script, string? fixtures = null, string author = "alice", string name = "halopsa", string origin = VersionOrigin.Api) =>
        new(name, new TransformContent(script, fixtures), """{"highPriorityIds":["1"]}""", author, $"why {script}", origin, [new FixtureVerdict("a case", true)]);

    private TransformVersionStore Store(IStoreDatabase? database = null) => new(database ?? OpenReplica(), TimeProvider.System);

    [Fact]
    public async Task VersionsAreNumberedPerTransformFromOneAndReadBackWhole()
    {
        var store = Store();

        var first = Assert.IsType<VersionRecord.Recorded>(await store.RecordAsync(Draft("a", """{"cases":[]}"""), null, false, default)).Version;
        var second = Assert.IsType<VersionRecord.Recorded>(await store.RecordAsync(Draft("b", author: "bob"), null, false, default)).Version;
        var other = Assert.IsType<VersionRecord.Recorded>(await store.RecordAsync(Draft("x", name: "autotask"), null, false, default)).Version;

        Assert.Equal((1, 2, 1), (first.Number, second.Number, other.Number));
        var read = (await store.GetAsync("halopsa", 1, default))!;
        Assert.Equal(("a", """{"cases":[]}""", """{"highPriorityIds":["1"]}""", "alice", "why a", VersionOrigin.Api), (read.Script, read.Fixtures, read.Settings, read.Author, read.Message, read.Origin));
        Assert.Equal(new TransformContent("a", """{"cases":[]}""").Sha256, read.Sha256);
        Assert.Equal(first.CreatedAt.ToUnixTimeMilliseconds(), read.CreatedAt.ToUnixTimeMilliseconds());
        Assert.Equal([new FixtureVerdict("a case", true)], read.FixtureResult);
        Assert.Equal("bob", (await store.LatestAsync("halopsa", default))!.Author);
        Assert.Equal(new Dictionary<string, int> { ["halopsa"] = 2, ["autotask"] = 1 }, await store.LatestNumbersAsync(default));
        Assert.Null(await store.GetAsync("halopsa", 3, default));
    }

    [Fact]
    public async Task AListingIsNewestFirstWithoutScriptsAndPagesBackward()
    {
        var store = Store();
        foreach (var script in new[] { "a", "b", "c", "d" })
        {
            await store.RecordAsync(Draft(script), null, false, default);
        }

        var page = await store.ListAsync("halopsa", before: null, limit: 3, default);
        var rest = await store.ListAsync("halopsa", before: page[^1].Number, limit: 3, default);

        Assert.Equal([4, 3, 2], page.Select(v => v.Number));
        Assert.All(page, v => Assert.Null(v.Script));
        Assert.Equal([1], rest.Select(v => v.Number));
        Assert.Empty(await store.ListAsync("nothing", null, 10, default));
    }

    [Fact]
    public async Task AContentRecordedOncePerContentIsRecordedOnceAndAFixtureChangeIsNewContent()
    {
        var store = Store();

        var recorded = Assert.IsType<VersionRecord.Recorded>(await store.RecordAsync(Draft("a", author: "files", origin: VersionOrigin.File), null, true, default));
        var again = Assert.IsType<VersionRecord.Known>(await store.RecordAsync(Draft("a", author: "files", origin: VersionOrigin.File), null, true, default));
        var fixtures = Assert.IsType<VersionRecord.Recorded>(await store.RecordAsync(Draft("a", """{"cases":[]}""", "files", origin: VersionOrigin.File), null, true, default));

        Assert.Equal(recorded.Version.Number, again.Version.Number);
        Assert.Equal(2, fixtures.Version.Number);
    }

    [Fact]
    public async Task AConditionalRecordOnAnOlderVersionIsStaleAndNamesTheLatest()
    {
        var store = Store();
        Assert.IsType<VersionRecord.Recorded>(await store.RecordAsync(Draft("a"), expectedLatest: 0, false, default));
        Assert.IsType<VersionRecord.Recorded>(await store.RecordAsync(Draft("b", author: "bob"), expectedLatest: 1, false, default));

        var stale = Assert.IsType<VersionRecord.Stale>(await store.RecordAsync(Draft("c"), expectedLatest: 1, false, default));
        var seed = Assert.IsType<VersionRecord.Stale>(await store.RecordAsync(Draft("seed"), expectedLatest: 0, false, default));

        Assert.Equal((2, "bob"), (stale.Latest!.Number, stale.Latest.Author));
        Assert.Equal(2, seed.Latest!.Number);
        Assert.Equal(2, (await store.LatestAsync("halopsa", default))!.Number);
    }

    [Fact]
    public async Task ReplicasRecordingTheSameFileAtOnceRecordItOnce()
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => Store(OpenReplica())).ToList();

        var records = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => replicas[i % 3].RecordAsync(Draft("same", author: "files", origin: VersionOrigin.File), null, true, default))));

        Assert.Single(records.OfType<VersionRecord.Recorded>());
        Assert.All(records, record => Assert.Equal(1, record is VersionRecord.Known known ? known.Version.Number : ((VersionRecord.Recorded)record).Version.Number));
        Assert.Single(await replicas[0].ListAsync("halopsa", null, 10, default));
    }

    [Fact]
    public async Task OfPublishesOnTheSameVersionAtOnceExactlyOneWins()
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => Store(OpenReplica())).ToList();
        await replicas[0].RecordAsync(Draft("v1"), null, false, default);

        var records = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => replicas[i % 3].RecordAsync(Draft($"edit {i}"), expectedLatest: 1, false, default))));

        Assert.Single(records.OfType<VersionRecord.Recorded>());
        Assert.Equal(5, records.OfType<VersionRecord.Stale>().Count(stale => stale.Latest!.Number == 2));
        Assert.Equal(2, (await replicas[1].LatestAsync("halopsa", default))!.Number);
    }

    [Theory]
    [InlineData("UPDATE transform_versions SET author = 'mallory'")]
    [InlineData("DELETE FROM transform_versions")]
    public async Task AVersionIsNeverChangedOrDeleted(string sql)
    {
        var database = OpenReplica();
        var store = Store(database);
        await store.RecordAsync(Draft("a"), null, false, default);

        await Assert.ThrowsAnyAsync<DbException>(() => database.InTransactionAsync((connection, transaction) => StoreSql.ExecuteAsync(connection, transaction, sql, default), default));

        Assert.Equal("alice", (await store.GetAsync("halopsa", 1, default))!.Author);
    }
}
