using System.Net;
using System.Net.Http.Headers;
using HaloIlertGateway.Admin;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HaloIlertGateway.FunctionalTests.Admin;

/// <summary>
/// The management port against web pages and probes: only its own host names, no cross-site state changes, a page
/// that cannot be framed or run injected script, a sign-in a person can use with a token set, and a read-only token
/// that opens the probes and nothing else. And the public port never serves or forwards /_gateway, however spelled.
/// </summary>
public sealed class ManagementSecurityTests
{
    private const string Token = "a-management-token-of-some-length";
    private const string ReadToken = "a-read-only-token-for-probes";

    [Theory]
    [InlineData("/_gateway/info")]
    [InlineData("/_gateway%2Finfo")]
    [InlineData("/_gateway%2finfo")]
    [InlineData("//_gateway/info")]
    [InlineData("/_gateway;/info")]
    [InlineData("/_gateway;x=1/info")]
    [InlineData("/_GATEWAY/info")]
    [InlineData("/%5Fgateway/info")]
    [InlineData("/_gateway%252Finfo")]
    [InlineData("/_gateway")]
    public async Task TheManagementPathInAnySpellingIsNeitherServedNorForwardedOnThePublicPort(string path)
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.Client.GetAsync(new Uri(harness.Client.BaseAddress!.GetLeftPart(UriPartial.Authority) + path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:haloilertgateway:problem:not-found", (await GatewayHarness.ReadProblemAsync(response))["type"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }

    [Theory]
    [InlineData("/x/../_gateway/info", true)]
    [InlineData("/./_gateway", true)]
    [InlineData("\\_gateway\\info", true)]
    [InlineData("/_gateway?x=1", true)]
    [InlineData("/api/v1/events/_gateway/key", false)]
    [InlineData("/api/_gateway", false)]
    [InlineData("/_gateways/info", false)]
    [InlineData("/api/alerts?x=/_gateway", false)]
    public void TheFenceReadsAPathAsALenientServerWould(string target, bool fenced) =>
        Assert.Equal(fenced, ManagementFence.IsManagementPath(target));

    [Fact]
    public async Task APathThatOnlyLooksLikeTheManagementPathIsStillForwarded()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.Client.GetAsync("/api/alerts?q=_gateway");

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("/api/alerts?q=_gateway", Assert.Single(harness.Ilert.Received).PathAndQuery);
    }

    [Fact]
    public async Task ARequestNamingAForeignHostIsRefused()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_gateway/routes");
        request.Headers.Host = "attacker.example";

        using var foreign = await harness.Management.SendAsync(request);
        using var own = await harness.Management.GetAsync("/_gateway/routes");

        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Theory]
    [InlineData("Origin", "http://attacker.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task AStateChangingRequestFromAnotherSiteIsRefused(string header, string value)
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_gateway/deadletters/replay")
        {
            Content = new FormUrlEncodedContent([]),
        };
        request.Headers.Add(header, value);

        using var response = await harness.Management.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("urn:haloilertgateway:problem:cross-site-request", (await GatewayHarness.ReadProblemAsync(response))["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStateChangingRequestFromThePageItselfOrAProgramIsTaken()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using var fromPage = new HttpRequestMessage(HttpMethod.Post, "/_gateway/deadletters/replay");
        fromPage.Headers.Add("Sec-Fetch-Site", "same-origin");
        fromPage.Headers.Add("Origin", harness.Management.BaseAddress!.GetLeftPart(UriPartial.Authority));

        using var page = await harness.Management.SendAsync(fromPage);
        using var program = await harness.Management.PostAsync("/_gateway/deadletters/replay", null);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, program.StatusCode);
    }

    [Fact]
    public async Task EveryAnswerForbidsFramingSniffingReferrersAndForeignScript()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        foreach (var path in (string[])["/", "/_gateway/routes", "/readyz"])
        {
            using var response = await harness.Management.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'none'", csp);
            Assert.Contains("script-src 'sha256-", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task TheBearerSchemeIsTakenInAnyCase(string scheme)
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Management:Token"] = Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_gateway/routes");
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {Token}");

        using var response = await harness.Management.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WithATokenSetThePageOpensButNoDataWithoutTheToken()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Management:Token"] = Token);

        using var page = await harness.Management.GetAsync("/");
        using var data = await harness.Management.GetAsync("/_gateway/routes");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
    }

    [Fact]
    public async Task TheReadOnlyTokenOpensTheProbesAndNothingElse()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.Settings["Gateway:Management:Token"] = Token;
            g.Settings["Gateway:Management:ReadToken"] = ReadToken;
        });

        foreach (var probe in (string[])["/healthz", "/readyz", "/metrics"])
        {
            using var withRead = await Send(harness.Management, HttpMethod.Get, probe, ReadToken);
            using var withAdmin = await Send(harness.Management, HttpMethod.Get, probe, Token);
            using var without = await Send(harness.Management, HttpMethod.Get, probe, null);
            Assert.True(withRead.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{probe}: {withRead.StatusCode}");
            Assert.Equal(withRead.StatusCode, withAdmin.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        }

        using var read = await Send(harness.Management, HttpMethod.Get, "/_gateway/deadletters", ReadToken);
        using var replay = await Send(harness.Management, HttpMethod.Post, "/_gateway/deadletters/replay", ReadToken);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        Assert.DoesNotContain(ReadToken, await replay.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutAReadOnlyTokenTheProbesAnswerLoopbackClientsWithoutAnyToken()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Management:Token"] = Token);

        using var metrics = await harness.Management.GetAsync("/metrics");
        using var data = await harness.Management.GetAsync("/_gateway/deadletters");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
    }

    [SkippableFact]
    public async Task WithATokenSetAPersonSignsInOnThePageAndSeesTheGateway()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Management:Token"] = Token);
        await using var browser = await Browser.OpenAsync(harness.Management.BaseAddress!);
        var page = browser.Page;
        var patiently = new LocatorAssertionsToContainTextOptions { Timeout = 10_000 };

        await Assertions.Expect(page.Locator("#ready")).ToContainTextAsync("401", patiently);
        await page.FillAsync("#token", Token);
        await page.DispatchEventAsync("#token", "change");

        await Assertions.Expect(page.Locator("#routes")).ToContainTextAsync("halopsa", patiently);
        await Assertions.Expect(page.Locator("#ready")).ToContainTextAsync("readiness", patiently);
        await browser.ScreenshotAsync("signed-in-with-token");
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }
}
