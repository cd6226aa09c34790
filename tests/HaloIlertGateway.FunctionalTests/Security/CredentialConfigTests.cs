using System.Net;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Security;

/// <summary>A route that would use a held credential for anyone who calls it is refused, at start and on reload.</summary>
public sealed class CredentialConfigTests : IDisposable
{
    private readonly SecureRoute _secure = new();

    [Fact]
    public async Task InjectingACredentialOnAnAnonymousRouteStopsStartupNamingTheRoute()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: AddOpenInjectingRoute);

        var error = harness.StartupError();

        Assert.Contains("Route 'open' uses an injected credential (Authorization) but lets anyone call it", error);
        Assert.DoesNotContain("injected-token-value", error);
    }

    [Fact]
    public async Task AnExplicitOptOutAllowsAnAnonymousRouteToInject()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            AddOpenInjectingRoute(g);
            g.Settings["ReverseProxy:Routes:open:Metadata:AllowAnonymousCredentialUse"] = "true";
        });

        using var response = await harness.Client.GetAsync("/api/v1/open/alerts");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("injected-token-value", Assert.Single(await harness.Ilert.WaitForAsync(1)).Header("authorization"));
    }

    [Fact]
    public async Task GivingATransformSecretsOnAnAnonymousRouteStopsStartup()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
            g.Settings["Gateway:Transforms:halopsa:Secrets:ilertKey"] = _secure.Secret("key", "transform-secret-value"));

        var error = harness.StartupError();

        Assert.Contains("Route 'halopsa' uses transform 'halopsa', which is given secrets,", error);
        Assert.Contains("Route 'haloitsm'", error);
    }

    [Fact]
    public async Task AnUnknownPolicyAMissingSecretAndABadValueAreReportedTogether()
    {
        await using var harness = await GatewayHarness.CreateAsync(new Dictionary<string, string> { ["secure"] = SecureRoute.Script }, g =>
        {
            _secure.AddTo(g);
            g.Settings["ReverseProxy:Routes:secure:RateLimiterPolicy"] = "no-such-policy";
            g.Settings["ReverseProxy:Routes:secure:Transforms:1:Secret"] = "env:HALO_ILERT_GATEWAY_TEST_UNSET_" + Guid.NewGuid().ToString("N");
            g.Settings["ReverseProxy:Routes:secure:Metadata:MaxRequestBodyBytes"] = "lots";
        });

        var error = harness.StartupError();

        Assert.Contains("no-such-policy", error);
        Assert.Contains("is not set", error);
        Assert.Contains("MaxRequestBodyBytes must be a positive number", error);
    }

    [Fact]
    public async Task AReloadThatInjectsOnAnAnonymousRouteIsRefusedAndTheOldConfigKeepsServing()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using (var before = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-reload", """{"ticket":{"id":1}}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        var path = Path.Combine(harness.Gateway.ContentRoot, "proxy.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["ReverseProxy"]!["Routes"]!["halopsa"]!["Transforms"]!.AsArray().Add(JsonNode.Parse(
            $$"""{ "InjectCredential": "Authorization", "Secret": "{{_secure.Secret("token", "reload-token-value")}}" }"""));
        File.WriteAllText(path + ".tmp", config.ToJsonString());
        File.Move(path + ".tmp", path, overwrite: true);

        await Eventually.TrueAsync(() => harness.Gateway.Logs.AllText.Contains("Route 'halopsa' uses an injected credential", StringComparison.Ordinal), "the refused reload to be logged");

        using var after = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-reload", """{"ticket":{"id":2}}""");
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        Assert.All(await harness.Ilert.WaitForAsync(2), received => Assert.Null(received.Header("authorization")));
    }

    public void Dispose() => _secure.Dispose();

    /// <summary>Route <c>open</c>: anyone may call it, and it injects an Authorization from a secret.</summary>
    private void AddOpenInjectingRoute(GatewayFactory gateway)
    {
        gateway.Settings["ReverseProxy:Routes:open:ClusterId"] = "ilert";
        gateway.Settings["ReverseProxy:Routes:open:Match:Path"] = "/api/v1/open/{**rest}";
        gateway.Settings["ReverseProxy:Routes:open:Transforms:0:InjectCredential"] = "Authorization";
        gateway.Settings["ReverseProxy:Routes:open:Transforms:0:Secret"] = _secure.Secret("token", "injected-token-value");
    }
}
