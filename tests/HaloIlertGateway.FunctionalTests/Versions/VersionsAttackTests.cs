using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Tests.Infrastructure;
using HaloIlertGateway.Versions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static HaloIlertGateway.FunctionalTests.Versions.VersionsApi;

namespace HaloIlertGateway.FunctionalTests.Versions;

/// <summary>
/// The versions feature as an attacker or a tired on-call engineer would use it: concurrent publishes, a store read
/// that fails once, unbounded bodies. Each test states what should hold.
/// </summary>
public sealed class VersionsAttackTests
{
    [Fact]
    public async Task ConcurrentPublishesOnOneGatewayServingItsFilesEachSucceedAndTheLatestVersionServes()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");

        // Two dozen people publish at once, without If-Match (allowed: "no condition").
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var response = await harness.PublishAsync(Script($"c{i}"), $"concurrent {i}", fixtures: Fixtures($"c{i}"));
            return (i, response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.All(answers, a => Assert.True(a.StatusCode == HttpStatusCode.Created, $"publish {a.i} answered {(int)a.StatusCode}: {a.Item3}"));
        var latest = JsonNode.Parse(await harness.GetTextAsync($"/_gateway/transforms/{Name}/versions/25"))!;
        var (serving, sha, _) = await harness.ServingAsync();
        Assert.Equal((25, latest["sha256"]!.GetValue<string>()), (serving, sha));
        Assert.Equal(latest["script"]!.GetValue<string>(), File.ReadAllText(Path.Combine(harness.Gateway.TransformsDirectory, "tagger.js")));
    }

    [Fact]
    public async Task AVersionPublishedOnAnotherReplicaServesHereAfterTheStoreFailedOnceMidRead()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        var services = harness.Gateway.Services;
        var catalog = services.GetRequiredService<TransformCatalog>();
        var store = services.GetRequiredService<TransformVersionStore>();
        var flaky = new FlakyDatabase(services.GetRequiredService<IStoreDatabase>());
        var source = new StoreTransformSource(
            catalog, new TransformVersionStore(flaky, TimeProvider.System), services.GetRequiredService<TransformPublisher>(), new StoreSignals(),
            Options.Create(new TransformSourceOptions { Source = TransformSource.Store }), TimeProvider.System,
            services.GetRequiredService<ILogger<StoreTransformSource>>());
        await source.SyncAsync(CancellationToken.None);

        // Another replica records version 2.
        var content = new TransformContent(Script("other"), Fixtures("other"));
        await store.RecordAsync(new VersionDraft(Name, content, null, "alice", "from replica B", VersionOrigin.Api, []), 1, oncePerContent: false, CancellationToken.None);

        // The store answers the list of latest numbers, then fails once (a restart of PostgreSQL, a network blip).
        flaky.FailReadNumber = 2;
        await Assert.ThrowsAnyAsync<Exception>(() => source.SyncAsync(CancellationToken.None));
        await source.SyncAsync(CancellationToken.None);
        await source.SyncAsync(CancellationToken.None);

        // Each later read finds the store well and version 2 still the latest: it should be served by now.
        Assert.Equal((2, Sha256(Script("other"))), ((await harness.ServingAsync()).Version, (await harness.ServingAsync()).Sha256));
    }

    [Fact]
    public async Task AnOlderVersionServedLateByAConcurrentPublishDoesNotStayServingOnceTheStoreIsReadAgain()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        var services = harness.Gateway.Services;
        var catalog = services.GetRequiredService<TransformCatalog>();
        var store = services.GetRequiredService<TransformVersionStore>();
        var source = new StoreTransformSource(
            catalog, store, services.GetRequiredService<TransformPublisher>(), new StoreSignals(),
            Options.Create(new TransformSourceOptions { Source = TransformSource.Store }), TimeProvider.System,
            services.GetRequiredService<ILogger<StoreTransformSource>>());
        await source.SyncAsync(CancellationToken.None);

        // Two publishes on this replica: A records 2, B records 3; B's Serve runs first, the poller reads 3, then A's Serve
        // (TransformPublisher.PublishAsync: RecordAsync, then catalog.Serve, with nothing ordering the two) lands.
        var a = new TransformContent(Script("a"), Fixtures("a"));
        var b = new TransformContent(Script("b"), Fixtures("b"));
        await store.RecordAsync(new VersionDraft(Name, a, null, "alice", "A", VersionOrigin.Api, []), null, oncePerContent: false, CancellationToken.None);
        await store.RecordAsync(new VersionDraft(Name, b, null, "bob", "B", VersionOrigin.Api, []), null, oncePerContent: false, CancellationToken.None);
        catalog.Serve(Name, b, 3);
        await source.SyncAsync(CancellationToken.None);
        catalog.Serve(Name, a, 2);
        await source.SyncAsync(CancellationToken.None);

        Assert.Equal((3, Sha256(Script("b"))), ((await harness.ServingAsync()).Version, (await harness.ServingAsync()).Sha256));
    }

    [Fact]
    public async Task APublishWithAMessageOfAMegabyteIsRefusedAndRecordsNothing()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");

        using var response = await harness.PublishAsync(Script("v2"), new string('m', 1024 * 1024), fixtures: Fixtures("v2"), token: AliceToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(await harness.HistoryAsync());
    }

    [Fact]
    public async Task APublishOfATwentyMegabyteScriptIsRefusedAndRecordsNothing()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        var padding = string.Concat(Enumerable.Repeat("// " + new string('x', 97) + "\n", 200_000));

        using var response = await harness.PublishAsync(Script("v2") + padding, "big", fixtures: Fixtures("v2"), token: AliceToken);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity,
            $"publish answered {(int)response.StatusCode}");
        Assert.Single(await harness.HistoryAsync());
    }

    [Fact]
    public async Task ADiffOfVersionsOverTheLineLimitIsRefusedRatherThanKeepingACoreBusy()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        // Every line different, just over the default 10,000 lines: DiffPlex's cost grows with the square of such lines.
        static string Padded(string tag) => Script(tag) + string.Concat(Enumerable.Range(0, 10_001).Select(i => $"// {tag} line {i}\n"));
        await harness.PublishedAsync(Padded("a"), "a", fixtures: Fixtures("a"), token: AliceToken);
        await harness.PublishedAsync(Padded("b"), "b", fixtures: Fixtures("b"), token: AliceToken);

        using var request = Request(HttpMethod.Get, $"/_gateway/transforms/{Name}/diff?from=2&to=3", token: ReaderToken);
        using var response = await harness.Management.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("MaxDiffLines", (await GatewayHarness.ReadProblemAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task APersonAProxyNamesAdminIsNotRecordedAsTheAdminTokensUser()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithTagger();
            g.Settings["Gateway:Management:TrustedProxies:0"] = "127.0.0.1";
            g.Settings["Gateway:Management:ProxyUsersRole"] = "edit";
        });
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_gateway/transforms/{Name}/versions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { script = Script("v2"), message = "who am I", fixtures = JsonNode.Parse(Fixtures("v2")) }),
        };
        request.Headers.Add("X-Forwarded-User", "admin");
        using var response = await harness.Management.SendAsync(request);

        var author = response.StatusCode == HttpStatusCode.Created ? (await harness.HistoryAsync())[0]!["author"]!.GetValue<string>() : null;
        Assert.NotEqual("admin", author);
    }

    [Fact]
    public async Task NoSpellingOfAPublishOrRollbackPathLetsAReadUserOrNoOneChangeATransform()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        string[] paths =
        [
            "/_gateway/transforms/tagger/versions", "/_gateway/Transforms/tagger/Versions", "/_gateway/transforms/tagger/versions/",
            "//_gateway/transforms/tagger/versions", "/_gateway//transforms/tagger/versions", "/_gateway/transforms/tagger/./versions",
            "/_gateway/transforms/x/../tagger/versions", "/_gateway/transforms/tagger%2Fversions/test", "/_gateway/transforms/tagger/versions%2Ftest",
            "/_gateway/transforms/tagger/test/../versions", "/_gateway/transforms/tagger/rollback", "/_gateway/transforms/tagger/rollback/test",
            "/_gateway/%74ransforms/tagger/versions", "/_gateway/transforms/tagger/versions;test", "/_gateway/transforms/tagger/versions?x=/test",
        ];
        var body = new JsonObject { ["script"] = Script("evil"), ["message"] = "m", ["fixtures"] = JsonNode.Parse(Fixtures("evil")), ["version"] = 1 }.ToJsonString();
        foreach (var path in paths)
        {
            foreach (var token in new[] { ReaderToken, "not-a-token-at-all-0000" })
            {
                foreach (var method in new[] { "POST", "post", "PUT", "PATCH" })
                {
                    // Raw bytes on the wire: HttpClient would tidy "//", "./" and "../" away before they reach Kestrel.
                    var status = await RawStatusAsync(harness.Management.BaseAddress!, method, path, token, body);
                    Assert.False(status is >= 200 and < 300, $"{method} {path} as {token[..4]} answered {status}");
                }
            }
        }

        Assert.Single(await harness.HistoryAsync());
        // The same raw request with an edit token does publish: the refusals above are the sign-in's, not the client's.
        Assert.Equal(201, await RawStatusAsync(harness.Management.BaseAddress!, "POST", paths[0], AliceToken, body));
    }

    [Fact]
    public async Task OddIfMatchValuesAndRollbackNumbersChangeNothing()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        foreach (var ifMatch in new[] { "W/\"1\"", "\"1\", \"2\"", "\"-1\"", "\"+1\"", "\"01\"x", "\"99999999999999999999\"", "\"\"", "1", "\" 1\"", "\"0\"", "\"2\"", "**" })
        {
            using var response = await harness.PublishAsync(Script("v2"), "odd If-Match", ifMatch, Fixtures("v2"));
            Assert.True(response.StatusCode == HttpStatusCode.PreconditionFailed, $"If-Match {ifMatch} answered {(int)response.StatusCode}");
        }

        foreach (var version in new[] { 0, -1, int.MaxValue, int.MinValue })
        {
            using var response = await harness.RollBackAsync(version, "odd number");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Single(await harness.HistoryAsync());
    }

    private static async Task<int> RawStatusAsync(Uri management, string method, string path, string token, string body)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(management.Host, management.Port);
        var stream = tcp.GetStream();
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var head = $"{method} {path} HTTP/1.1\r\nHost: {management.Authority}\r\nAuthorization: Bearer {token}\r\nX-HTTP-Method-Override: GET\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync() ?? string.Empty;
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A store whose n-th read (counting from when it is armed) fails once, as a database that restarts does.</summary>
    private sealed class FlakyDatabase(IStoreDatabase inner) : IStoreDatabase
    {
        private int _reads;

        public int FailReadNumber
        {
            get;
            set
            {
                field = value;
                _reads = 0;
            }
        }

        public Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) => inner.InTransactionAsync(work, cancellationToken);

        public Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken) =>
            FailReadNumber > 0 && Interlocked.Increment(ref _reads) == FailReadNumber
                ? Task.FromException<T>(new TimeoutException("the store did not answer"))
                : inner.ReadAsync(work, cancellationToken);
    }
}
