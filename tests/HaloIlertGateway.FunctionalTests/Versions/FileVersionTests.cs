using System.Net;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Versions.VersionsApi;

namespace HaloIlertGateway.FunctionalTests.Versions;

/// <summary>
/// Versions on one gateway serving its files (the default): each file version recorded once, a publish checked,
/// recorded with its message, written to the file and served; stale and failing publishes change nothing; a rollback is
/// a new version with the earlier content.
/// </summary>
public sealed class FileVersionTests
{
    [Fact]
    public async Task EachTransformIsRecordedFromItsFileAndAnEditOnDiskIsTheNextVersion()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "the file's version to be recorded");
        var first = (await harness.HistoryAsync())[0]!;
        Assert.Equal((1, "file", "files"), (first["number"]!.GetValue<int>(), first["origin"]!.GetValue<string>(), first["author"]!.GetValue<string>()));
        Assert.Equal((1, Sha256(Script("v1")), "\"1\""), await harness.ServingAsync());
        using (var ready = await harness.Management.GetAsync("/readyz"))
        {
            // The files serve: nothing to read from the store, nothing Degraded.
            Assert.Equal("Healthy", JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["checks"]!["transform-versions"]!["status"]!.GetValue<string>());
        }

        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tagger.fixtures.json"), Fixtures("v2"));
        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tagger.js"), Script("v2"));

        await Eventually.TrueAsync(async () => (await harness.ServingAsync()) == (2, Sha256(Script("v2")), "\"2\""), "the edit to serve as version 2", TimeSpan.FromSeconds(30));
        var history = await harness.HistoryAsync();
        Assert.Equal([2, 1], history.Select(v => v!["number"]!.GetValue<int>()));
        Assert.Equal("file", history[0]!["origin"]!.GetValue<string>());
    }

    [Fact]
    public async Task APublishOnTheLatestVersionIsRecordedWithItsAuthorWrittenToTheFileAndServes()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");

        using var published = await harness.PublishAsync(Script("v2"), "Tag as v2 for the new board", ifMatch: "\"1\"", fixtures: Fixtures("v2"));

        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal("/_gateway/transforms/tagger/versions/2", published.Headers.Location!.OriginalString);
        Assert.Equal("\"2\"", published.Headers.ETag!.Tag);
        Assert.Equal((2, Sha256(Script("v2")), "\"2\""), await harness.ServingAsync());
        Assert.Equal(Script("v2"), File.ReadAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tagger.js")));
        Assert.Equal(Fixtures("v2"), File.ReadAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tagger.fixtures.json")));
        var version = JsonNode.Parse(await harness.GetTextAsync("/_gateway/transforms/tagger/versions/2"))!;
        Assert.Equal(("Tag as v2 for the new board", "api", Script("v2")), (version["message"]!.GetValue<string>(), version["origin"]!.GetValue<string>(), version["script"]!.GetValue<string>()));
        Assert.All(version["fixtureResult"]!.AsArray(), verdict => Assert.True(verdict!["passed"]!.GetValue<bool>()));

        // The folder's watcher reads the file the publish wrote: the same content, so no third version. Another file's
        // edit, once recorded, shows that the watcher has been through the folder since.
        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "later.js"), "function transform(request, context) { return request; }");
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync("later")).Count == 1, "the later file to be recorded", TimeSpan.FromSeconds(30));
        Assert.Equal(2, (await harness.HistoryAsync()).Count);
    }

    [Fact]
    public async Task AStalePublishIs412NamingTheNewerVersionAndItsAuthorAndChangesNothing()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        using (var first = await harness.PublishAsync(Script("v2"), "first", ifMatch: "\"1\"", fixtures: Fixtures("v2")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using var stale = await harness.PublishAsync(Script("v3"), "made on version 1", ifMatch: "\"1\"", fixtures: Fixtures("v3"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(stale);
        Assert.Equal("urn:haloilertgateway:problem:version-stale", problem["type"]!.GetValue<string>());
        Assert.Equal(2, problem["latestVersion"]!.GetValue<int>());
        Assert.Contains("version 2 by", problem["detail"]!.GetValue<string>());
        Assert.Equal((2, Sha256(Script("v2")), "\"2\""), await harness.ServingAsync());
        Assert.Equal(Script("v2"), File.ReadAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tagger.js")));
        Assert.Equal(2, (await harness.HistoryAsync()).Count);
    }

    [Theory]
    [InlineData("function transform(request, context) { return request; ", "compile")]
    [InlineData("function transform(request, context) { request.body = { tag: \"v9\", n: 1 }; return request; }", "fixture")]
    public async Task APublishThatDoesNotCompileOrFailsItsFixturesIs422WithTheReportAndChangesNothing(string script, string failure)
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");

        using var refused = await harness.PublishAsync(script, "broken", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(refused);
        Assert.Equal("urn:haloilertgateway:problem:transform-invalid", problem["type"]!.GetValue<string>());
        Assert.Contains(failure == "fixture" ? "fixture case(s) failed" : "tagger.js", problem["detail"]!.GetValue<string>());
        Assert.Equal((1, Sha256(Script("v1")), "\"1\""), await harness.ServingAsync());
        Assert.Equal(Script("v1"), File.ReadAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tagger.js")));
        Assert.Single(await harness.HistoryAsync());
    }

    [Fact]
    public async Task ARollbackIsANewVersionWithTheEarlierContentAndTheDiffShowsWhatChanged()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        await harness.PublishedAsync(Script("v2"), "v2", ifMatch: "\"1\"", fixtures: Fixtures("v2"));

        using var rollback = await harness.RollBackAsync(1, "v2 paged everyone", ifMatch: "\"2\"");

        Assert.Equal(HttpStatusCode.Created, rollback.StatusCode);
        Assert.Equal((3, Sha256(Script("v1")), "\"3\""), await harness.ServingAsync());
        Assert.Equal(Fixtures("v1"), File.ReadAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tagger.fixtures.json")));
        var third = (await harness.HistoryAsync())[0]!;
        Assert.Equal(("rollback", "v2 paged everyone"), (third["origin"]!.GetValue<string>(), third["message"]!.GetValue<string>()));
        var diff = await harness.GetTextAsync("/_gateway/transforms/tagger/diff?from=2&to=3");
        Assert.Contains("--- tagger.js (version 2)", diff);
        Assert.Contains("-  request.body = { tag: \"v2\", n: request.body.n };", diff);
        Assert.Contains("+  request.body = { tag: \"v1\", n: request.body.n };", diff);
        Assert.Empty(await harness.GetTextAsync("/_gateway/transforms/tagger/diff?from=1&to=3"));
    }

    [Fact]
    public async Task InAClusterThatServesItsFilesPublishingIsRefusedAndSaysWhereTransformsChange()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var harness = await GatewayHarness.CreateAsync(configure: g => Delivery.DeliveryTestSettings.WithPostgres(g.WithTagger(), connectionString));
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");

        using var refused = await harness.PublishAsync(Script("v2"), "v2", fixtures: Fixtures("v2"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Gateway:Transforms:Source", (await GatewayHarness.ReadProblemAsync(refused))["detail"]!.GetValue<string>());
        Assert.Equal((1, Sha256(Script("v1")), "\"1\""), await harness.ServingAsync());
    }

    [Fact]
    public async Task SettingsArePublishedOnlyWhereTheStoreServesHereTheyAreProxyJsons()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");

        using var refused = await harness.PublishAsync(SettingsScript, "with settings", "\"1\"", SettingsFixtures, settings: """{"tag":"x"}""");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Gateway:Transforms:tagger:Settings", (await GatewayHarness.ReadProblemAsync(refused))["detail"]!.GetValue<string>());
        Assert.Single(await harness.HistoryAsync());
    }

    [Fact]
    public async Task ThreeReplicasReadingOneFolderRecordAnEditOnce()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var first = await GatewayHarness.CreateAsync(configure: g => Delivery.DeliveryTestSettings.WithPostgres(g.WithTagger(), connectionString));
        var folder = first.Gateway.TransformsDirectory;
        var others = new List<GatewayHarness>();
        for (var i = 0; i < 2; i++)
        {
            others.Add(await GatewayHarness.CreateAsync(configure: g =>
            {
                Delivery.DeliveryTestSettings.WithPostgres(g, connectionString).Settings["Gateway:Scripting:Directory"] = folder;
                g.Settings["Gateway:Management:Token"] = Token;
            }));
        }

        try
        {
            GatewayHarness[] replicas = [first, .. others];
            foreach (var replica in replicas)
            {
                await Eventually.TrueAsync(async () => (await replica.ServingAsync()).Version == 1, "each replica to serve version 1");
            }

            File.WriteAllText(Path.Combine(folder, "tagger.fixtures.json"), Fixtures("v2"));
            File.WriteAllText(Path.Combine(folder, "tagger.js"), Script("v2"));

            foreach (var replica in replicas)
            {
                await Eventually.TrueAsync(async () => (await replica.ServingAsync()) == (2, Sha256(Script("v2")), "\"2\""), "each replica to serve the edit as version 2", TimeSpan.FromSeconds(30));
            }

            Assert.Equal([2, 1], (await first.HistoryAsync()).Select(v => v!["number"]!.GetValue<int>()));
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync();
            }
        }
    }
}
