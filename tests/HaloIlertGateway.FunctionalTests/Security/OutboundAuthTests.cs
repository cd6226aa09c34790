using System.Net;
using System.Text;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.FunctionalTests.Delivery;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HaloIlertGateway.FunctionalTests.Security;

/// <summary>
/// A route that injects an OAuth2 client-credentials token (<c>"OutboundAuth": "halo"</c>), through the real gateway:
/// the token fetched once from a loopback token endpoint, replaced after a 401, waited for while the endpoint is down,
/// and never shown anywhere.
/// </summary>
public sealed class OutboundAuthTests : IAsyncLifetime, IDisposable
{
    private const string Route = "halopsa";

    private readonly SecureRoute _secrets = new();
    private readonly string _clientSecret = "halo-client-secret-" + Guid.NewGuid().ToString("N");
    private FakeTokenServer _tokens = null!;

    public async Task InitializeAsync() => _tokens = await FakeTokenServer.StartAsync();

    [Fact]
    public async Task ADurableRouteDeliversEveryEventWithOneFetchedBearerToken()
    {
        await using var harness = await StartAsync();

        for (var ticket = 1; ticket <= 5; ticket++)
        {
            using var response = await harness.PostJsonAsync(TestRoutes.PathOf(Route, "il1hps-oauth"), DeliveryTestSettings.Ticket(ticket, 1));
            Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}");
        }

        var accepted = await harness.Ilert.WaitForAcceptedAsync(5);
        Assert.All(accepted, request => Assert.Equal("Bearer " + _tokens.Token(1), request.Header("authorization")));
        var fetch = Assert.Single(_tokens.Fetches);
        Assert.Equal(("client_credentials", "halo-gateway", _clientSecret, "all", "contoso"),
            (fetch["grant_type"], fetch["client_id"], fetch["client_secret"], fetch["scope"], fetch["tenant"]));
        Assert.Equal("?tenant=contoso", _tokens.Requests.Single().PathAndQuery[_tokens.Requests.Single().Path.Length..]);
    }

    [Fact]
    public async Task AfterTheUpstreamRefusesTheTokenTheEventIsSentAgainAtOnceWithANewOne()
    {
        await using var harness = await StartAsync();
        var refusedOnce = 0;
        harness.Ilert.Respond = request => request.Header("authorization") == "Bearer " + _tokens.Token(1) && Interlocked.Exchange(ref refusedOnce, 1) == 0
            ? Results.StatusCode(StatusCodes.Status401Unauthorized)
            : null!;

        using (var first = await harness.PostJsonAsync(TestRoutes.PathOf(Route, "il1hps-oauth"), DeliveryTestSettings.Ticket(1, 1)))
        {
            // Sent while the client waits: the 401 is not the answer, the second try's 202 is.
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        using (var second = await harness.PostJsonAsync(TestRoutes.PathOf(Route, "il1hps-oauth"), DeliveryTestSettings.Ticket(2, 1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        }

        var received = await harness.Ilert.WaitForAsync(3);
        Assert.Equal([(401, _tokens.Token(1)), (202, _tokens.Token(2)), (202, _tokens.Token(2))],
            received.Select(r => (r.AnsweredStatus, r.Header("authorization")!["Bearer ".Length..])));
        Assert.Equal(2, _tokens.Fetches.Count);
    }

    [Fact]
    public async Task WhileTheTokenEndpointIsDownEventsStayQueuedAndAreDeliveredWhenItIsBack()
    {
        await using var harness = await StartAsync();
        _tokens.Down = true;

        for (var ticket = 1; ticket <= 3; ticket++)
        {
            using var response = await harness.PostJsonAsync(TestRoutes.PathOf(Route, "il1hps-oauth"), DeliveryTestSettings.Ticket(ticket, 1));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await Eventually.TrueAsync(() => _tokens.Requests.Count >= 3, "the gateway to have tried the token endpoint again");
        var queued = await harness.Gateway.Services.GetRequiredService<IOutbox>().ListAsync(10, CancellationToken.None);
        Assert.Equal(3, queued.Count);
        Assert.Contains(queued, m => m.LastError?.Contains("Outbound auth 'halo': no answer from the token endpoint", StringComparison.Ordinal) == true);
        Assert.Empty(harness.Ilert.Received);

        _tokens.Down = false;

        var accepted = await harness.Ilert.WaitForAcceptedAsync(3);
        Assert.All(accepted, request => Assert.Equal("Bearer " + _tokens.Token(1), request.Header("authorization")));
        Assert.Equal(0, (await GenuineAlerts.DeliveryAsync(harness))["deadLettered"]!.GetValue<long>());
    }

    [Fact]
    public async Task NeitherTheClientSecretNorATokenIsLoggedStoredOrShown()
    {
        await using var harness = await StartAsync(g => g.LogEverything());
        // ilert refuses every token twice over (each attempt fetches a new one), then is unavailable: events stay queued
        // after tokens were fetched and used.
        var phase = "refusing";
        harness.Ilert.Respond = _ => phase == "refusing" ? Results.StatusCode(StatusCodes.Status401Unauthorized) : phase == "down" ? Results.StatusCode(503) : null!;
        using (var rejected = await harness.PostJsonAsync(TestRoutes.PathOf(Route, "il1hps-oauth"), DeliveryTestSettings.Ticket(1, 1)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        phase = "down";
        using (var queued = await harness.PostJsonAsync(TestRoutes.PathOf(Route, "il1hps-oauth"), DeliveryTestSettings.Ticket(2, 1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        var rows = await harness.Gateway.Services.GetRequiredService<IOutbox>().ListAsync(10, CancellationToken.None);
        var stored = string.Join('\n', rows.Select(m => $"{m.PathAndQuery} {string.Join(',', m.Headers)} {m.LastError} {Encoding.UTF8.GetString(m.Body)}"));
        var shown = await harness.Management.GetStringAsync("/_gateway/outbox") + await harness.Management.GetStringAsync("/_gateway/delivery")
            + await harness.Management.GetStringAsync("/_gateway/deadletters");
        phase = "up";
        await harness.Ilert.WaitForAcceptedAsync(1);

        Assert.NotEmpty(rows);
        Assert.True(_tokens.Fetches.Count >= 2, $"{_tokens.Fetches.Count} tokens fetched");
        foreach (var (what, text) in new[] { ("the logs", harness.Gateway.Logs.AllText), ("the outbox rows", stored), ("the management API", shown) })
        {
            Assert.False(text.Contains(_clientSecret, StringComparison.Ordinal), $"the client secret is in {what}");
            Assert.False(text.Contains(_tokens.TokenPrefix, StringComparison.Ordinal), $"a token is in {what}");
        }
    }

    [Fact]
    public async Task AnUnknownOutboundAuthAndARouteGivingBothSecretAndOutboundAuthStopStartupTogether()
    {
        await using var harness = await StartAsync(g =>
        {
            g.Settings[$"ReverseProxy:Routes:{Route}:Transforms:1:OutboundAuth"] = "no-such-auth";
            AddInjection(g, "haloitsm", "halo");
            g.Settings["ReverseProxy:Routes:haloitsm:Transforms:1:Secret"] = _secrets.Secret("both", "a-secret-value");
        });

        var error = harness.StartupError();

        Assert.Contains("Route 'halopsa': InjectCredential 'Authorization': OutboundAuth 'no-such-auth' is not defined in Gateway:OutboundAuth (defined: halo).", error);
        Assert.Contains("Route 'haloitsm': InjectCredential 'Authorization': give either Secret or OutboundAuth, not both.", error);
    }

    [Fact]
    public async Task AnOutboundAuthWithAnUnsetSecretAndABadUrlStopsStartupNamingBoth()
    {
        await using var harness = await StartAsync(g =>
        {
            g.Settings["Gateway:OutboundAuth:halo:ClientSecret"] = "env:HALO_ILERT_GATEWAY_TEST_UNSET_" + Guid.NewGuid().ToString("N");
            g.Settings["Gateway:OutboundAuth:other:TokenUrl"] = "not a url";
            g.Settings["Gateway:OutboundAuth:other:ClientId"] = "x";
            g.Settings["Gateway:OutboundAuth:other:ClientSecret"] = "pasted-client-secret";
        });

        var error = harness.StartupError();

        Assert.Contains("Gateway:OutboundAuth:halo: ClientSecret: the secret env:HALO_ILERT_GATEWAY_TEST_UNSET_", error);
        Assert.Contains("Gateway:OutboundAuth:other: TokenUrl must be an absolute http(s) URL", error);
        Assert.Contains("Gateway:OutboundAuth:other: ClientSecret is not a secret reference (it is not shown)", error);
        Assert.DoesNotContain("pasted-client-secret", error);
    }

    [Fact]
    public async Task ADirectRouteInjectsTheTokenAndA401MakesTheNextRequestFetchANewOne()
    {
        await using var harness = await StartAsync(g =>
        {
            g.Settings["ReverseProxy:Routes:open:ClusterId"] = "ilert";
            g.Settings["ReverseProxy:Routes:open:Match:Path"] = "/api/v1/open/{**rest}";
            AddInjection(g, "open", "halo", index: 0);
        });
        harness.Ilert.Respond = request => request.Header("authorization") == "Bearer " + _tokens.Token(1) ? Results.StatusCode(StatusCodes.Status401Unauthorized) : null!;

        using var refused = await harness.Client.GetAsync("/api/v1/open/alerts");
        using var retried = await harness.Client.GetAsync("/api/v1/open/alerts");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Accepted), (refused.StatusCode, retried.StatusCode));
        Assert.Equal(["Bearer " + _tokens.Token(1), "Bearer " + _tokens.Token(2)], harness.Ilert.Received.Select(r => r.Header("authorization")));
    }

    public async Task DisposeAsync() => await _tokens.DisposeAsync();

    public void Dispose() => _secrets.Dispose();

    /// <summary>The gateway with outbound auth <c>halo</c> and the shipped HaloPSA route injecting its token.</summary>
    private Task<GatewayHarness> StartAsync(Action<GatewayFactory>? configure = null) =>
        GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            _tokens.AddTo(g, _secrets, _clientSecret);
            AddInjection(g, Route, "halo");
            configure?.Invoke(g);
        });

    private static void AddInjection(GatewayFactory gateway, string route, string auth, int index = 1)
    {
        gateway.Settings[$"ReverseProxy:Routes:{route}:Transforms:{index}:InjectCredential"] = "Authorization";
        gateway.Settings[$"ReverseProxy:Routes:{route}:Transforms:{index}:OutboundAuth"] = auth;
        gateway.Settings[$"ReverseProxy:Routes:{route}:Metadata:AllowAnonymousCredentialUse"] = "true";
    }
}
