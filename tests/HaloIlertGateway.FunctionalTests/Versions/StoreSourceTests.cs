using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Versions.VersionsApi;

namespace HaloIlertGateway.FunctionalTests.Versions;

/// <summary>
/// Gateway:Transforms:Source Store on a cluster of replicas sharing one PostgreSQL: the files seed version 1, a version
/// published on one replica serves on every replica within two seconds, a rollback likewise, nothing changes on a stale
/// or failing publish, and a replica that cannot read the store keeps its version and says Degraded.
/// </summary>
public sealed class StoreSourceTests
{
    private static readonly TimeSpan EveryReplicaWithin = TimeSpan.FromSeconds(2);

    private static Task<GatewayHarness> ReplicaAsync(string connectionString, Action<GatewayFactory>? configure = null) =>
        GatewayHarness.CreateAsync(configure: g =>
        {
            Delivery.DeliveryTestSettings.WithPostgres(g.WithTagger(), connectionString).Settings["Gateway:Transforms:Source"] = "Store";
            configure?.Invoke(g);
        });

    [Fact]
    public async Task AlicesVersionServesOnTheOtherReplicaWithinTwoSecondsBobsRollbackTooAndTheAuditNamesThem()
    {
        await using var cluster = await TwoReplicas.StartAsync();
        var (a, b) = (cluster.A, cluster.B);

        using (var published = await a.PublishAsync(Script("v2"), "Tag as v2 for the new board", ifMatch: "\"1\"", fixtures: Fixtures("v2"), token: AliceToken))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        var served = await ServedWithinAsync(b, 2, Script("v2"));
        Assert.True(served <= EveryReplicaWithin, $"replica B served version 2 after {served.TotalMilliseconds:0} ms");
        Assert.Equal([(2, "api", "alice", "Tag as v2 for the new board"), (1, "file", "files", "Seeded from tagger.js")], Summary(await b.HistoryAsync()));
        Assert.Equal(Script("v1"), File.ReadAllText(Path.Combine(b.Gateway.TransformsDirectory, "tagger.js")));
        // The page's playground opens the version serving, not the file the store has moved past.
        Assert.Equal(Script("v2"), await b.GetTextAsync("/_gateway/transforms/tagger/source"));

        using (var rollback = await b.RollBackAsync(1, "v2 paged everyone", ifMatch: "\"2\"", token: BobToken))
        {
            Assert.Equal(HttpStatusCode.Created, rollback.StatusCode);
        }

        served = await ServedWithinAsync(a, 3, Script("v1"));
        Assert.True(served <= EveryReplicaWithin, $"replica A served version 3 after {served.TotalMilliseconds:0} ms");
        Assert.Equal((3, "rollback", "bob", "v2 paged everyone"), Summary(await a.HistoryAsync())[0]);
        var audit = JsonNode.Parse(await a.GetTextAsync("/_gateway/audit?limit=10"))!["entries"]!.AsArray();
        Assert.Equal([("bob", "rollback", "tagger", "succeeded"), ("alice", "publish", "tagger", "succeeded")],
            audit.Select(e => (e!["actor"]!.GetValue<string>(), e["action"]!.GetValue<string>(), e["target"]!.GetValue<string>(), e["outcome"]!.GetValue<string>())));

        using var read = await a.PublishAsync(Script("v4"), "rita tries", fixtures: Fixtures("v4"), token: ReaderToken);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal((3, Sha256(Script("v1"))), ((await b.ServingAsync()).Version, (await b.ServingAsync()).Sha256));
        Assert.Equal(3, (await b.HistoryAsync()).Count);
    }

    private static List<(int, string, string, string)> Summary(JsonArray history) =>
        [.. history.Select(v => (v!["number"]!.GetValue<int>(), v["origin"]!.GetValue<string>(), v["author"]!.GetValue<string>(), v["message"]!.GetValue<string>()))];

    [Fact]
    public async Task SettingsPublishedWithAVersionServeOnEveryReplicaCarryOverAndRollBackWithIt()
    {
        await using var cluster = await TwoReplicas.StartAsync();
        var (a, b) = (cluster.A, cluster.B);

        await a.PublishedAsync(SettingsScript, "Tag from settings", "\"1\"", SettingsFixtures, settings: """{"tag":"live-1"}""");
        await ServedWithinAsync(b, 2, SettingsScript);
        Assert.Equal("live-1", await b.TagAsync());
        var second = JsonNode.Parse(await b.GetTextAsync("/_gateway/transforms/tagger/versions/2"))!;
        Assert.Equal(("""{"tag":"live-1"}""", true), (second["settings"]!.GetValue<string>(), second["settingsPublished"]!.GetValue<bool>()));

        // A version published without settings keeps the serving version's.
        var edited = SettingsScript.Replace("request.body.n }", "request.body.n, edited: true }", StringComparison.Ordinal);
        await b.PublishedAsync(edited, "Mark edited", "\"2\"", SettingsFixtures.Replace("\"n\":1}}", "\"n\":1,\"edited\":true}}", StringComparison.Ordinal));
        await ServedWithinAsync(a, 3, edited);
        Assert.Equal("live-1", await a.TagAsync());

        // A rollback brings back the settings published with that version, or proxy.json's where it had none.
        await a.PublishedAsync(SettingsScript, "Tag live-2", "\"3\"", SettingsFixtures, settings: """{"tag":"live-2"}""");
        await ServedWithinAsync(b, 4, SettingsScript);
        Assert.Equal("live-2", await b.TagAsync());
        using (var rollback = await b.RollBackAsync(2, "live-2 paged the wrong team", ifMatch: "\"4\""))
        {
            Assert.Equal(HttpStatusCode.Created, rollback.StatusCode);
        }

        await Eventually.TrueAsync(async () => (await a.ServingAsync()).Version == 5, "the rollback to serve");
        Assert.Equal("live-1", await a.TagAsync());
        using (var rollback = await a.RollBackAsync(1, "the file's version", ifMatch: "\"5\""))
        {
            Assert.Equal(HttpStatusCode.Created, rollback.StatusCode);
        }

        await ServedWithinAsync(b, 6, Script("v1"));
        Assert.False(JsonNode.Parse(await b.GetTextAsync("/_gateway/transforms/tagger/versions/6"))!["settingsPublished"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SettingsThatDoNotFitTheScriptsDeclarationAreRefusedWithTheVersion()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var a = await ReplicaAsync(connectionString);
        await SeededAsync(a);
        const string declaring = "const settings = { tag: { text: \"fx\", about: \"the tag\" } };\n" + SettingsScript;

        using var refused = await a.PublishAsync(declaring, "typo", "\"1\"", SettingsFixtures, settings: """{"tga":"live"}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("the settings published with it do not fit", (await GatewayHarness.ReadProblemAsync(refused))["detail"]!.GetValue<string>());
        Assert.Single(await a.HistoryAsync());
    }

    [Fact]
    public async Task PublishesAtOnceOnOneReplicaEndWithTheLatestServingWhateverOrderTheyLandIn()
    {
        await using var cluster = await TwoReplicas.StartAsync();
        var tags = Enumerable.Range(2, 6).Select(n => $"v{n}").ToList();

        await Task.WhenAll(tags.Select(tag => cluster.A.PublishedAsync(Script(tag), tag, fixtures: Fixtures(tag))));

        var latest = JsonNode.Parse(await cluster.A.GetTextAsync("/_gateway/transforms/tagger/versions/7"))!["script"]!.GetValue<string>();
        foreach (var replica in new[] { cluster.A, cluster.B })
        {
            await ServedWithinAsync(replica, 7, latest);
        }
    }

    [Fact]
    public async Task AVersionThatDoesNotLoadOnAReplicaLeavesItsVersionServingAndItsReadinessDegraded()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var a = await ReplicaAsync(connectionString);
        // Replica B's proxy.json gives tagger a setting that a script declaring its settings does not take.
        await using var b = await ReplicaAsync(connectionString, g => g.Settings["Gateway:Transforms:tagger:Settings:other"] = "y");
        await SeededAsync(a);
        await SeededAsync(b);
        const string declaring = "const settings = { tag: { text: \"fx\", about: \"the tag\" } };\n" + SettingsScript;

        await a.PublishedAsync(declaring, "declare the settings", "\"1\"", SettingsFixtures);

        await Eventually.TrueAsync(async () => await VersionsCheckAsync(b) == "Degraded", "replica B to say it does not serve version 2", TimeSpan.FromSeconds(30));
        Assert.Equal((1, Sha256(Script("v1"))), ((await b.ServingAsync()).Version, (await b.ServingAsync()).Sha256));
        Assert.Equal("Healthy", await VersionsCheckAsync(a));
    }

    [Fact]
    public async Task StaleAndFailingPublishesChangeNothingOnAnyReplica()
    {
        await using var cluster = await TwoReplicas.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        await a.PublishedAsync(Script("v2"), "v2", ifMatch: "\"1\"", fixtures: Fixtures("v2"));
        await ServedWithinAsync(b, 2, Script("v2"));

        using var stale = await b.PublishAsync(Script("v3"), "made on version 1", ifMatch: "\"1\"", fixtures: Fixtures("v3"));
        using var failing = await b.PublishAsync(Script("v3"), "fixtures say v2", ifMatch: "\"2\"");

        Assert.Equal((HttpStatusCode.PreconditionFailed, HttpStatusCode.UnprocessableEntity), (stale.StatusCode, failing.StatusCode));
        Assert.Equal(2, (await a.HistoryAsync()).Count);
        Assert.Equal((2, Sha256(Script("v2"))), ((await a.ServingAsync()).Version, (await a.ServingAsync()).Sha256));
        Assert.Equal((2, Sha256(Script("v2"))), ((await b.ServingAsync()).Version, (await b.ServingAsync()).Sha256));
    }

    [Fact]
    public async Task TheFilesSeedOnlyATransformTheStoreDoesNotHave()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var a = await ReplicaAsync(connectionString);
        await SeededAsync(a);
        await a.PublishedAsync(Script("v2"), "v2", ifMatch: "\"1\"", fixtures: Fixtures("v2"));

        // A replica started later from the same (old) files serves the store's version, not its file.
        await using var late = await ReplicaAsync(connectionString);

        await ServedWithinAsync(late, 2, Script("v2"), TimeSpan.FromSeconds(30));
        Assert.Equal(2, (await late.HistoryAsync()).Count);
    }

    [Fact]
    public async Task AReplicaThatCannotReadTheStoreKeepsServingItsVersionAndIsDegradedUntilItCan()
    {
        var server = await PostgresServer.StartOwnAsync();
        var connectionString = await server.CreateDatabaseAsync();
        await using var replica = await ReplicaAsync(connectionString);
        await SeededAsync(replica);

        await server.StopAsync();
        try
        {
            await Eventually.TrueAsync(async () => await VersionsCheckAsync(replica) == "Degraded", "readiness to say the versions are Degraded", TimeSpan.FromSeconds(30));
            Assert.Equal((1, Sha256(Script("v1"))), ((await replica.ServingAsync()).Version, (await replica.ServingAsync()).Sha256));
            using var run = VersionsApi.Request(HttpMethod.Post, "/_gateway/transforms/tagger/test", JsonContent.Create(new { request = new { path = "/x", body = new { n = 5 } } }));
            using var ran = await replica.Management.SendAsync(run);
            Assert.Equal("v1", (await ran.Content.ReadFromJsonAsync<JsonObject>())!["request"]!["body"]!["tag"]!.GetValue<string>());
        }
        finally
        {
            await server.StartAgainAsync();
        }

        await Eventually.TrueAsync(async () => await VersionsCheckAsync(replica) == "Healthy", "the versions check to recover", TimeSpan.FromSeconds(30));
        await server.StopAsync();
    }

    /// <summary>Two replicas on a database of their own, each having read the store's version 1 (seeded from the files).</summary>
    private sealed class TwoReplicas(GatewayHarness a, GatewayHarness b) : IAsyncDisposable
    {
        public GatewayHarness A { get; } = a;

        public GatewayHarness B { get; } = b;

        public static async Task<TwoReplicas> StartAsync()
        {
            var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
            var cluster = new TwoReplicas(await ReplicaAsync(connectionString), await ReplicaAsync(connectionString));
            await SeededAsync(cluster.A);
            await SeededAsync(cluster.B);
            return cluster;
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }

    /// <summary>Polls <paramref name="replica"/> until it serves <paramref name="version"/> with <paramref name="script"/>; how long that took.</summary>
    private static async Task<TimeSpan> ServedWithinAsync(GatewayHarness replica, int version, string script, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => (await replica.ServingAsync()) == (version, Sha256(script), $"\"{version}\""), $"version {version} to serve", deadline ?? TimeSpan.FromSeconds(30));
        return clock.Elapsed;
    }

    /// <summary>Until <paramref name="replica"/> has read the store (the files seeded version 1) and says so.</summary>
    private static Task SeededAsync(GatewayHarness replica) => Eventually.TrueAsync(
        async () => await VersionsCheckAsync(replica) == "Healthy" && (await replica.HistoryAsync()).Count == 1, "the replica to read the store's version 1", TimeSpan.FromSeconds(30));

    private static async Task<string> VersionsCheckAsync(GatewayHarness replica)
    {
        using var response = await replica.Management.GetAsync("/readyz");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["checks"]!["transform-versions"]!["status"]!.GetValue<string>();
    }
}
