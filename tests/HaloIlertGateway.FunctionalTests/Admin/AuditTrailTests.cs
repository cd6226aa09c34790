using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Admin;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace HaloIlertGateway.FunctionalTests.Admin;

/// <summary>
/// The audit trail through the management port: every state-changing action leaves one entry (who, from where, what,
/// on what, how it went) and one log event, never an integration key or a token; a store that refuses the entry
/// changes nothing of the answer, and the log is then the record.
/// </summary>
public sealed class AuditTrailTests
{
    private const string Token = "an-audit-test-token-of-some-length";
    private const string Key = "il1hps-audit-key-never-recorded";

    [Fact]
    public async Task EveryDeadLetterActionLeavesAnEntryWithWhoWhatAndHowItWentAndNeverTheKey()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFragileRoute().LogEverything());
        var replayed = await harness.PostDeadLetterAsync(Key);
        var deleted = await harness.PostDeadLetterAsync(Key);
        await harness.FixFragileRouteAsync();

        using (var replay = await harness.Management.PostAsync($"/_gateway/deadletters/{replayed}/replay", null))
        {
            replay.EnsureSuccessStatusCode();
        }

        using (var delete = await harness.Management.DeleteAsync($"/_gateway/deadletters/{deleted}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var all = await harness.Management.PostAsync("/_gateway/deadletters/replay", null))
        using (var bulk = await harness.Management.DeleteAsync($"/_gateway/deadletters?kind=transform-failed&route={FragileRoute.Name}&olderThan=00:00:00"))
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (all.StatusCode, bulk.StatusCode));
        }

        var (page, text) = await AuditAsync(harness.Management);
        var entries = page["entries"]!.AsArray();
        Assert.Equal(4, entries.Count);
        AssertEntry(entries[0]!, "bulk-delete", null, 200, AuditEntry.Succeeded);
        AssertEntry(entries[1]!, "replay-all", null, 200, AuditEntry.Succeeded);
        AssertEntry(entries[2]!, "dead-letter-delete", Id(deleted), 204, AuditEntry.Succeeded);
        AssertEntry(entries[3]!, "replay", Id(replayed), 200, AuditEntry.Succeeded);
        Assert.Equal("0 deleted of kind transform-failed, of one route, dead for over 00:00:00", entries[0]!["detail"]!.GetValue<string>());
        Assert.Equal("nothing to replay", entries[1]!["detail"]!.GetValue<string>());
        Assert.Null(entries[2]!["detail"]);
        Assert.StartsWith("queued as event ", entries[3]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(entries, entry => Assert.Equal(ManagementActor.Local, entry!["actor"]!.GetValue<string>()));
        Assert.Null(page["next"]);
        Assert.Equal(["replay", "dead-letter-delete", "replay-all", "bulk-delete"], AuditEvents(harness, LogEventLevel.Information).Select(e => Property(e, "AuditAction")));
        AssertNowhere(Key, text, harness);
    }

    [Fact]
    public async Task ASaveAndARefusedSaveAreRecordedOnTheTransformAndNeverWithTheToken()
    {
        await using var harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["plain"] = "function transform(request, context) { request.body = { v: 1 }; return request; }" },
            g => g.LogEverything().Settings["Gateway:Management:Token"] = Token);

        using var saved = await SendAsync(harness, HttpMethod.Put, "/_gateway/transforms/plain/source", "function transform(request, context) { request.body = { v: 2 }; return request; }");
        using var refused = await SendAsync(harness, HttpMethod.Put, "/_gateway/transforms/plain/source", "function transform(request, context) {\n  return request +;\n}\n");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity), (saved.StatusCode, refused.StatusCode));
        var savedAs = (await saved.Content.ReadFromJsonAsync<JsonObject>())!;
        var sha256 = savedAs["sha256"]!.GetValue<string>();
        using var audit = await SendAsync(harness, HttpMethod.Get, "/_gateway/audit");
        var text = await audit.Content.ReadAsStringAsync();
        var entries = JsonNode.Parse(text)!["entries"]!.AsArray();
        Assert.Equal(2, entries.Count);
        AssertEntry(entries[0]!, "save", "plain", 422, AuditEntry.Refused);
        AssertEntry(entries[1]!, "save", "plain", 200, AuditEntry.Succeeded);
        Assert.Equal("The script was not saved.", entries[0]!["detail"]!.GetValue<string>());
        Assert.Equal($"version {savedAs["version"]!.GetValue<int>()}, sha256 {sha256[..12]}", entries[1]!["detail"]!.GetValue<string>());
        // Whoever the sign-in names the holder of the token (until it does, the loopback caller), never the token itself.
        Assert.All(entries, entry => Assert.False(string.IsNullOrWhiteSpace(entry!["actor"]!.GetValue<string>())));
        Assert.Equal(2, AuditEvents(harness, LogEventLevel.Information).Count);
        AssertNowhere(Token, text, harness);
    }

    [Fact]
    public async Task AnActionTheGatewayRefusesIsRecordedAsRefusedWithTheProblemsTitle()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using (var replay = await harness.Management.PostAsync("/_gateway/deadletters/424242/replay", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, replay.StatusCode);
        }

        using (var bulk = await harness.Management.DeleteAsync("/_gateway/deadletters?kind="))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bulk.StatusCode);
        }

        var entries = (await AuditAsync(harness.Management)).Page["entries"]!.AsArray();
        Assert.Equal(2, entries.Count);
        AssertEntry(entries[0]!, "bulk-delete", null, 400, AuditEntry.Refused);
        AssertEntry(entries[1]!, "replay", "424242", 404, AuditEntry.Refused);
        Assert.Equal(["Bad request.", "Not found."], entries.Select(e => e!["detail"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnActionThatThrowsIsRecordedAsFailedAndItsCallerStillGetsTheError()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFragileRoute());
        var id = await harness.PostDeadLetterAsync(Key);
        await ExecuteAsync(harness, "CREATE TRIGGER dead_letters_held BEFORE DELETE ON dead_letters BEGIN SELECT RAISE(ABORT, 'held for the test'); END");

        using (var delete = await harness.Management.DeleteAsync($"/_gateway/deadletters/{id}"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, delete.StatusCode);
        }

        var entry = Assert.Single((await AuditAsync(harness.Management)).Page["entries"]!.AsArray())!;
        AssertEntry(entry, "dead-letter-delete", Id(id), 500, AuditEntry.Failed);
        Assert.Equal("SqliteException", entry["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStoreThatRefusesTheEntryChangesNothingOfTheAnswerAndTheErrorLogIsTheRecord()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        await ExecuteAsync(harness, "CREATE TRIGGER audit_refused BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no room for the audit'); END");

        using var forget = await harness.Management.DeleteAsync("/_gateway/keys/refused");

        Assert.Equal(HttpStatusCode.OK, forget.StatusCode);
        Assert.Equal("""{"forgotten":0}""", await forget.Content.ReadAsStringAsync());
        var error = Assert.Single(AuditEvents(harness, LogEventLevel.Error));
        Assert.Equal(("forget-refused-keys", AuditEntry.Succeeded, "200", ManagementActor.Local, "0 forgotten"),
            (Property(error, "AuditAction"), Property(error, "Outcome"), Property(error, "Status"), Property(error, "Actor"), Property(error, "Detail")));
        Assert.Contains("no room for the audit", Property(error, "Error"), StringComparison.Ordinal);
        Assert.Empty((await AuditAsync(harness.Management)).Page["entries"]!.AsArray());
    }

    [Fact]
    public async Task TheListingPagesAndFiltersAndRefusesALimitOrTimeItCannotUse()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            using var forget = await harness.Management.DeleteAsync("/_gateway/keys/refused");
        }

        var first = (await AuditAsync(harness.Management, "?limit=2")).Page;
        var next = first["next"]!.GetValue<long>();
        var rest = (await AuditAsync(harness.Management, $"?limit=2&before={next}")).Page;
        var later = DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture);

        Assert.Equal(next, first["entries"]![1]!["id"]!.GetValue<long>());
        Assert.Equal(next - 1, Assert.Single(rest["entries"]!.AsArray())!["id"]!.GetValue<long>());
        Assert.Null(rest["next"]);
        Assert.Equal(3, (await AuditAsync(harness.Management, "?actor=local&action=forget-refused-keys")).Page["entries"]!.AsArray().Count);
        Assert.Empty((await AuditAsync(harness.Management, "?action=replay")).Page["entries"]!.AsArray());
        Assert.Empty((await AuditAsync(harness.Management, "?since=" + Uri.EscapeDataString(later))).Page["entries"]!.AsArray());
        Assert.Equal(3, (await AuditAsync(harness.Management, "?until=" + Uri.EscapeDataString(later))).Page["entries"]!.AsArray().Count);
        foreach (var query in (string[])["?limit=0", "?limit=1001", "?since=yesterday", "?until=soon"])
        {
            using var refused = await harness.Management.GetAsync("/_gateway/audit" + query);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("urn:haloilertgateway:problem:invalid-request", (await GatewayHarness.ReadProblemAsync(refused))["type"]!.GetValue<string>());
        }
    }

    private static void AssertEntry(JsonNode entry, string action, string? target, int status, string outcome)
    {
        Assert.Equal((action, target, status, outcome), (entry["action"]!.GetValue<string>(), entry["target"]?.GetValue<string>(), entry["status"]!.GetValue<int>(), entry["outcome"]!.GetValue<string>()));
        Assert.Equal("127.0.0.1", entry["address"]!.GetValue<string>());
        Assert.InRange(entry["at"]!.GetValue<DateTimeOffset>(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    /// <summary>The secret appears neither in what the audit endpoint answered nor in anything the gateway logged.</summary>
    private static void AssertNowhere(string secret, string auditText, GatewayHarness harness)
    {
        Assert.DoesNotContain(secret, auditText, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, harness.Gateway.Logs.AllText, StringComparison.Ordinal);
    }

    private static async Task<(JsonObject Page, string Text)> AuditAsync(HttpClient management, string query = "")
    {
        var text = await management.GetStringAsync("/_gateway/audit" + query);
        return (JsonNode.Parse(text)!.AsObject(), text);
    }

    private static List<LogEvent> AuditEvents(GatewayHarness harness, LogEventLevel level) =>
        [.. harness.Gateway.Logs.Events.Where(e => e.Level == level && e.Properties.ContainsKey("AuditAction"))];

    private static string? Property(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: { } scalar } ? Convert.ToString(scalar, CultureInfo.InvariantCulture) : null;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="sql"/> on the gateway's own store (SQLite), after starting the gateway.</summary>
    private static Task<int> ExecuteAsync(GatewayHarness harness, string sql)
    {
        _ = harness.Management;
        return harness.Gateway.Services.GetRequiredService<IStoreDatabase>().InTransactionAsync((connection, transaction) =>
            StoreSql.ExecuteAsync(connection, transaction, sql, CancellationToken.None), CancellationToken.None);
    }

    private static async Task<HttpResponseMessage> SendAsync(GatewayHarness harness, HttpMethod method, string path, string? script = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (script is not null)
        {
            request.Content = new StringContent(script, Encoding.UTF8, "text/javascript");
        }

        return await harness.Management.SendAsync(request);
    }
}
