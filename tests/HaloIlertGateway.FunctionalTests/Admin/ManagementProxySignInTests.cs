using System.Net;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HaloIlertGateway.FunctionalTests.Admin;

/// <summary>
/// People signed in by a reverse proxy in front of the management port (oauth2-proxy's <c>X-Forwarded-User</c> and
/// <c>X-Forwarded-Email</c>): believed on a connection from a trusted proxy's address only, over real HTTP from two
/// loopback addresses (the proxy at 127.0.0.2, anyone else at 127.0.0.1).
/// </summary>
public sealed class ManagementProxySignInTests
{
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2");

    [SkippableFact]
    public async Task APersonTheTrustedProxyNamesIsSignedInWithTheirEntrysRole()
    {
        await using var harness = await StartAsync();
        using var proxy = SourceAddressClient.Create(Proxy, harness.Management.BaseAddress!);

        var byName = await ManagementCalls.InfoAsync(proxy, null, ("X-Forwarded-User", "Jane"));
        var byEmail = await ManagementCalls.InfoAsync(proxy, null, ("X-Forwarded-User", "00u1x9"), ("X-Forwarded-Email", "jane@example.com"));
        using var replay = await ManagementCalls.SendAsync(proxy, HttpMethod.Post, "/_gateway/deadletters/replay", null, null, ("X-Forwarded-User", "jane"));
        using var save = await ManagementCalls.SendAsync(proxy, HttpMethod.Put, "/_gateway/transforms/halopsa/source", null, new StringContent("x"), ("X-Forwarded-User", "jane"));

        Assert.Equal("""{"name":"jane","role":"operate"}""", byName["user"]!.ToJsonString());
        Assert.Equal("""{"name":"jane","role":"operate"}""", byEmail["user"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
    }

    [SkippableFact]
    public async Task TheSameHeaderFromAnyOtherAddressIsIgnored()
    {
        await using var harness = await StartAsync();
        using var proxy = SourceAddressClient.Create(Proxy, harness.Management.BaseAddress!);

        using var fromElsewhere = await ManagementCalls.SendAsync(harness.Management, HttpMethod.Get, "/_gateway/info", null, null, ("X-Forwarded-User", "jane"));
        var fromProxy = await ManagementCalls.InfoAsync(proxy, null, ("X-Forwarded-User", "jane"));

        Assert.Equal(HttpStatusCode.Unauthorized, fromElsewhere.StatusCode);
        Assert.Equal("jane", fromProxy["user"]!["name"]!.GetValue<string>());
        await Eventually.TrueAsync(() => harness.Gateway.Logs.AllText.Contains("A management request from 127.0.0.1 named a person in X-Forwarded-User", StringComparison.Ordinal),
            "the warning that names the address the header came from");
    }

    [SkippableFact]
    public async Task APersonWithNoEntryHasTheProxyUsersRoleOrIsRefusedSayingTheyHaveNone()
    {
        await using var withoutRole = await StartAsync();
        await using var withRole = await StartAsync(g => g.Settings["Gateway:Management:ProxyUsersRole"] = "read");
        using var first = SourceAddressClient.Create(Proxy, withoutRole.Management.BaseAddress!);
        using var second = SourceAddressClient.Create(Proxy, withRole.Management.BaseAddress!);

        using var refused = await ManagementCalls.SendAsync(first, HttpMethod.Get, "/_gateway/routes", null, null, ("X-Forwarded-Email", "zoe@example.com"));
        var reader = await ManagementCalls.InfoAsync(second, null, ("X-Forwarded-Email", "zoe@example.com"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(refused);
        Assert.StartsWith("zoe@example.com is signed in, but has no role", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(problem["role"]);
        Assert.Equal("""{"name":"zoe@example.com","role":"read"}""", reader["user"]!.ToJsonString());
    }

    [SkippableFact]
    public async Task ThePageSaysWhoTheProxySignedInAndAsksForNoToken()
    {
        // The browser connects from 127.0.0.1: here that is the proxy's address.
        await using var harness = await StartAsync(g =>
        {
            g.Settings["Gateway:Management:TrustedProxies:0"] = "127.0.0.1";
            g.Settings["Gateway:Management:Users:jane:Role"] = "edit";
        });
        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;
        await page.SetExtraHTTPHeadersAsync([new("X-Forwarded-User", "jane")]);
        await page.ReloadAsync();
        var patiently = new LocatorAssertionsToContainTextOptions { Timeout = 10_000 };

        await Assertions.Expect(page.Locator("#signed-in")).ToContainTextAsync("Signed in as jane (edit)", patiently);
        await Assertions.Expect(page.Locator("#routes")).ToContainTextAsync("halopsa", patiently);
        await Assertions.Expect(page.Locator("#token-box")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#pg-save")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("signed-in-through-a-proxy");
    }

    /// <summary>A gateway that believes the proxy at 127.0.0.2, with jane (operate) known by name and email.</summary>
    private static Task<GatewayHarness> StartAsync(Action<GatewayFactory>? configure = null) => GatewayHarness.CreateAsync(configure: g =>
    {
        g.Settings["Gateway:Management:TrustedProxies:0"] = Proxy.ToString();
        g.Settings["Gateway:Management:Users:jane:Role"] = "operate";
        g.Settings["Gateway:Management:Users:jane:Email"] = "Jane@Example.com";
        configure?.Invoke(g);
    });
}
