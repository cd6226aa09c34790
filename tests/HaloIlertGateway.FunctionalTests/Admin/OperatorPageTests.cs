using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HaloIlertGateway.FunctionalTests.Admin;

/// <summary>The operator page on the management port, in headless Chromium.</summary>
public sealed partial class OperatorPageTests
{
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 10_000 };

    [SkippableFact]
    public async Task ThePlaygroundRunsAHaloPsaSampleAndShowsTheIlertEvent()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;

        await OpenTransformAsync(page, "halopsa");
        await page.ClickAsync("#pg-run");

        await Assertions.Expect(page.Locator("#pg-output")).ToContainTextAsync("\"eventType\": \"ALERT\"", Patiently);
        await Assertions.Expect(page.Locator("#pg-output")).ToContainTextAsync("POST /api/events");
        await browser.ScreenshotAsync("playground-halopsa-sample");
        await harness.AssertNothingSentAsync();
    }

    [SkippableFact]
    public async Task DemoModeSaysSoAtTheTopOfThePage()
    {
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address, "--demo");
        await gateway.StartAsync();
        var management = gateway.Output.Select(line => ManagementAddress().Match(line)).First(match => match.Success).Groups[1].Value;
        await using var browser = await Browser.OpenAsync(new Uri(management));

        await Assertions.Expect(browser.Page.Locator("#demo-banner")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(browser.Page.Locator("#demo-banner")).ToContainTextAsync("nothing leaves this machine");
        using var operatorClient = new HttpClient { BaseAddress = new Uri(management) };
        await ilert.AssertNothingReceivedAsync(() => FakeIlert.OutboxDepthAt(operatorClient));
        Assert.Equal(0, await gateway.StopAsync());
    }

    [SkippableFact]
    public async Task TheClusterSectionShowsEachReplicaOfTheSharedStore()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var harness = await GatewayHarness.CreateAsync(configure: g => Delivery.DeliveryTestSettings.WithPostgres(g, connectionString));
        await using var other = await GatewayHarness.CreateAsync(configure: g => Delivery.DeliveryTestSettings.WithPostgres(g, connectionString));
        _ = other.Client;
        var self = (await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/cluster"))!["self"]!.GetValue<string>();
        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;

        await Assertions.Expect(page.Locator("#cluster-store")).ToContainTextAsync("Postgres", Patiently);
        await Assertions.Expect(page.Locator("#demo-banner")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#replicas")).ToContainTextAsync(self + " (this page)", Patiently);
        await page.ClickAsync("#refresh");
        await Assertions.Expect(page.Locator("#replicas tbody tr")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await browser.ScreenshotAsync("cluster-two-replicas");
    }

    [SkippableFact]
    public async Task ThePageOpensOnTheFirstRoutesTransformAndDatesItsTimes()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using (var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-page-dates", """{"ticket":{"id":3,"summary":"s","status":{"id":1,"name":"New"}}}"""))
        {
            response.EnsureSuccessStatusCode();
        }

        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;

        await Assertions.Expect(page.Locator("#pg-transform")).ToHaveValueAsync("halopsa", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#pg-script")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("HaloPSA"), new() { Timeout = 10_000 });
        // The recent request's time carries its date (the year) and its zone, not a bare time of day.
        var year = DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("#requests tbody tr").First).ToContainTextAsync(year, Patiently);
        await Assertions.Expect(page.Locator("#requests tbody tr").First).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"(UTC|GMT|[A-Z]{3,4})"), Patiently);
    }

    [SkippableFact]
    public async Task ABrokenScriptShowsItsErrorWithTheLine()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;

        await OpenTransformAsync(page, "halopsa");
        await page.FillAsync("#pg-script", "function transform(request, context) {\n  const broken = ;\n  return request;\n}\n");
        await page.ClickAsync("#pg-run");

        await Assertions.Expect(page.Locator("#pg-error")).ToContainTextAsync("compile error at line 2", Patiently);
        await browser.ScreenshotAsync("playground-broken-script");
    }

    [SkippableFact]
    public async Task DeadLettersCanBeReadDeletedAndReplayedAllAtOnceAndRequestsSayWhatBecameOfThem()
    {
        await using var harness = await StartWithFragileDurableRouteAsync();
        await harness.PostJsonAsync(TestRoutes.PathOf("fragile", "il1hps-page"), """{"ok":false,"n":1}""");
        await harness.PostJsonAsync(TestRoutes.PathOf("fragile", "il1hps-page"), """{"ok":false,"n":2}""");
        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        await Assertions.Expect(page.Locator("#requests")).ToContainTextAsync("failed", Patiently);
        await Assertions.Expect(page.Locator("#deadletters tbody tr")).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await page.Locator("#deadletters button.view").First.ClickAsync();
        await Assertions.Expect(page.Locator("#deadletter-body")).ToContainTextAsync("\"n\": 1", Patiently);
        await page.Locator("#deadletters button.delete").First.ClickAsync();
        await Assertions.Expect(page.Locator("#deadletters tbody tr")).ToHaveCountAsync(1, new() { Timeout = 10_000 });

        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "fragile.js"), """function transform(request, context) { request.body = { replayed: request.body.n }; return request; }""");
        await Eventually.TrueAsync(async () => (await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/transforms/fragile"))!["version"]!.GetValue<int>() == 2, "the fixed script");
        await page.ClickAsync("#replay-all");

        await Assertions.Expect(page.Locator("#replay-result")).ToContainTextAsync("1 queued", Patiently);
        var delivered = await harness.Ilert.WaitForAcceptedAsync(1);
        Assert.Equal(2, Assert.Single(delivered).Json!["replayed"]!.GetValue<int>());
        await browser.ScreenshotAsync("dead-letters-controls");
    }

    [SkippableFact]
    public async Task DeadLettersOfAKindAreDeletedTogether()
    {
        await using var harness = await StartWithFragileDurableRouteAsync();
        foreach (var n in (int[])[1, 2, 3])
        {
            using var failed = await harness.PostJsonAsync(TestRoutes.PathOf("fragile", "il1hps-page"), "{\"ok\":false,\"n\":" + n + "}");
        }

        using var rejected = await harness.PostJsonAsync(TestRoutes.PathOf("fragile", "il1hps-page"), "not json");
        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await Assertions.Expect(page.Locator("#deadletters tbody tr")).ToHaveCountAsync(4, new() { Timeout = 10_000 });

        await page.SelectOptionAsync("#bulk-kind", "transform-failed");
        await page.ClickAsync("#bulk-delete");

        await Assertions.Expect(page.Locator("#replay-result")).ToContainTextAsync("3 dead letters deleted", Patiently);
        await Assertions.Expect(page.Locator("#deadletters tbody tr")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#deadletters")).ToContainTextAsync("rejected", Patiently);
        await Assertions.Expect(page.Locator("#delivery-stats")).ToContainTextAsync("keys known 0", Patiently);
        await browser.ScreenshotAsync("dead-letters-bulk-delete");
    }

    [SkippableFact]
    public async Task ReplayingADeadLetterDeliversItToIlert()
    {
        await using var harness = await StartWithFragileDurableRouteAsync();
        await harness.PostJsonAsync(TestRoutes.PathOf("fragile", "il1hps-page"), """{"ok":false}""");
        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "fragile.js"), """function transform(request, context) { request.body = { replayed: true }; return request; }""");
        await Eventually.TrueAsync(async () => (await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/transforms/fragile"))!["version"]!.GetValue<int>() == 2, "the fixed script");
        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;

        await Assertions.Expect(page.Locator("#deadletters")).ToContainTextAsync("transform-failed", Patiently);
        await browser.ScreenshotAsync("dead-letter-before-replay");
        await page.ClickAsync("#deadletters button.replay");

        await Assertions.Expect(page.Locator("#replay-result")).ToContainTextAsync("queued", Patiently);
        var delivered = Assert.Single(await harness.Ilert.WaitForAcceptedAsync(1));
        Assert.Equal("""{"replayed":true}""", delivered.BodyText);
        await browser.ScreenshotAsync("dead-letter-replayed");
    }

    [SkippableFact]
    public async Task AnActionTakenThroughTheApiAppearsInTheAuditSectionWithWhoAndHowItWent()
    {
        await using var harness = await StartWithFragileDurableRouteAsync();
        var id = await harness.PostDeadLetterAsync("il1hps-audit-page");
        using (var deleted = await harness.Management.DeleteAsync($"/_gateway/deadletters/{id}"))
        using (var refused = await harness.Management.PostAsync("/_gateway/deadletters/424242/replay", null))
        {
            Assert.Equal((System.Net.HttpStatusCode.NoContent, System.Net.HttpStatusCode.NotFound), (deleted.StatusCode, refused.StatusCode));
        }

        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;
        var rows = page.Locator("#audit-entries tbody tr");

        // Newest first: who, action, target, outcome and detail, each in its column.
        await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await Assertions.Expect(rows.Nth(0).Locator("td:not(:first-child)")).ToHaveTextAsync(["local from 127.0.0.1", "replay", "424242", "refused (404)", "Not found."]);
        await Assertions.Expect(rows.Nth(0).Locator("td.warn")).ToHaveCountAsync(1);
        await Assertions.Expect(rows.Nth(1).Locator("td:not(:first-child)")).ToHaveTextAsync(
            ["local from 127.0.0.1", "dead-letter-delete", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "succeeded (204)", ""]);
        await Assertions.Expect(rows.Nth(1).Locator("td.ok")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#audit-entries")).Not.ToContainTextAsync("il1hps-audit-page");

        // The filter by who: nobody of that name, then the loopback caller again.
        await page.FillAsync("#audit-actor", "someone-else");
        await page.PressAsync("#audit-actor", "Enter");
        await Assertions.Expect(rows).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await page.FillAsync("#audit-actor", "local");
        await page.PressAsync("#audit-actor", "Enter");
        await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await page.Locator("#audit").ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync("audit-trail");
    }

    private static async Task OpenTransformAsync(IPage page, string transform)
    {
        await page.WaitForSelectorAsync($"#pg-transform option[value='{transform}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 10_000 });
        await page.SelectOptionAsync("#pg-transform", transform);
        await Assertions.Expect(page.Locator("#pg-script")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("function transform"), new LocatorAssertionsToHaveValueOptions { Timeout = 10_000 });
        await page.WaitForSelectorAsync("#pg-sample option", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 10_000 });
    }

    /// <summary>A durable route whose transform fails on <c>{"ok": false}</c>: each such request becomes a dead letter.</summary>
    private static Task<GatewayHarness> StartWithFragileDurableRouteAsync() => GatewayHarness.CreateAsync(configure: g => g.WithFragileRoute());

    [System.Text.RegularExpressions.GeneratedRegex(@"Management port listening on (http://\S+) ")]
    private static partial System.Text.RegularExpressions.Regex ManagementAddress();
}
