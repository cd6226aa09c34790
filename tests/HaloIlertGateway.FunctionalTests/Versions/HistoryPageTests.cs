using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Playwright;
using static HaloIlertGateway.FunctionalTests.Versions.VersionsApi;

namespace HaloIlertGateway.FunctionalTests.Versions;

/// <summary>The operator page's History section in Chromium: who changed a transform and why, a diff of any two versions, a rollback confirmed first.</summary>
public sealed class HistoryPageTests
{
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 10_000 };

    [SkippableFact]
    public async Task TheHistoryShowsWhoChangedWhatADiffOfAnyTwoVersionsAndARollbackAfterConfirmation()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTagger());
        await Eventually.TrueAsync(async () => (await harness.HistoryAsync()).Count == 1, "version 1");
        await harness.PublishedAsync(Script("v2"), "Tag as v2 for the new board", "\"1\"", Fixtures("v2"), AliceToken);

        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;
        string? asked = null;
        page.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            await dialog.AcceptAsync("v2 paged everyone");
        };
        await page.FillAsync("#token", BobToken);
        await page.PressAsync("#token", "Enter");
        await Assertions.Expect(page.Locator("#signed-in")).ToContainTextAsync("Signed in as bob (edit)", Patiently);
        await page.WaitForSelectorAsync("#history-transform option[value='tagger']", new() { State = WaitForSelectorState.Attached, Timeout = 10_000 });
        await page.SelectOptionAsync("#history-transform", "tagger");

        var rows = page.Locator("#versions tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("v2 (serving)", Patiently);
        await Assertions.Expect(rows.Nth(0).Locator("td:nth-child(n+3):nth-child(-n+5)")).ToHaveTextAsync(["alice", "api", "Tag as v2 for the new board"]);
        await Assertions.Expect(rows.Nth(1).Locator("td:nth-child(n+3):nth-child(-n+5)")).ToHaveTextAsync(["files", "file", "tagger.js as read from " + harness.Gateway.TransformsDirectory]);

        await page.SelectOptionAsync("#diff-from", "1");
        await page.SelectOptionAsync("#diff-to", "2");
        await page.ClickAsync("#diff-show");
        await Assertions.Expect(page.Locator("#diff .del")).ToContainTextAsync(["tag: \"v1\""], Patiently);
        await Assertions.Expect(page.Locator("#diff .add")).ToContainTextAsync(["tag: \"v2\""], Patiently);

        await rows.Nth(1).Locator("button.rollback").ClickAsync();

        await Assertions.Expect(page.Locator("#history-status")).ToContainTextAsync("rolled back: version 3 serves version 1's content", Patiently);
        await Assertions.Expect(rows).ToHaveCountAsync(3, new() { Timeout = 10_000 });
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("v3 (serving)", Patiently);
        await Assertions.Expect(rows.Nth(0).Locator("td:nth-child(n+3):nth-child(-n+5)")).ToHaveTextAsync(["bob", "rollback", "v2 paged everyone"]);
        Assert.Contains("Roll back tagger to version 1?", asked);
        Assert.Equal((3, Sha256(Script("v1"))), ((await harness.ServingAsync()).Version, (await harness.ServingAsync()).Sha256));
        await page.Locator("#history").ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync("transform-history");
        // The section alone, as docs/transform-history.png shows it.
        await page.Locator("#history").ScreenshotAsync(new() { Path = Path.Combine(RepositoryPaths.Root, "tests", "HaloIlertGateway.Tests", "TestResults", "screenshots", "transform-history-section.png") });
    }
}
