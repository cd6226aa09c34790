using Microsoft.Playwright;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// Headless Debian Chromium (<c>/usr/bin/chromium</c>, which .ci/run installs) driven by Playwright; no browser is
/// downloaded. Without Chromium on the machine the browser tests are skipped, never passed.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<Browser> OpenAsync(Uri address)
    {
        Skip.IfNot(File.Exists(ChromiumPath), "Chromium is not installed (.ci/run installs it: apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1600 } });
        await page.GotoAsync(address.ToString());
        return new Browser(playwright, browser, page);
    }

    /// <summary>Saves a screenshot as a test artifact (tests/HaloIlertGateway.FunctionalTests/TestResults/screenshots).</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(RepositoryPaths.Root, "tests", "HaloIlertGateway.Tests", "TestResults", "screenshots")).FullName;
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
