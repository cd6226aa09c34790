using System.Net;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.RateLimiting;

public sealed class RateLimitingTests
{
    private const string Ticket = """{"ticket":{"id":1,"summary":"s","status":{"id":1,"name":"New"}}}""";

    [Fact]
    public async Task ABurstBeyondThePolicyIs429WithRetryAfterWhileAnotherIntegrationKeyIsUnaffected()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.Settings["Gateway:RateLimiting:Policies:per-integration-key:TokenLimit"] = "3";
            g.Settings["Gateway:RateLimiting:Policies:per-integration-key:ReplenishmentPeriod"] = "00:01:00";
        });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-noisy", Ticket);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var problem = await GatewayHarness.ReadProblemAsync(response);
                Assert.Equal("urn:haloilertgateway:problem:rate-limited", problem["type"]!.GetValue<string>());
                Assert.Equal("per-integration-key", problem["policy"]!.GetValue<string>());
                Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
                Assert.DoesNotContain("il1hps-noisy", problem.ToJsonString());
            }
        }

        using var other = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-quiet", Ticket);

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }

    [Fact]
    public async Task LimitsChangeAfterAProxyJsonEditWithoutARestart()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        EditPolicy(harness, tokenLimit: 1); // before the gateway starts
        using (var first = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-edit", Ticket))
        using (var second = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-edit", Ticket))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        }

        EditPolicy(harness, tokenLimit: 50);

        await Eventually.TrueAsync(async () =>
        {
            using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-edit", Ticket);
            return response.StatusCode == HttpStatusCode.Accepted;
        }, "the raised limit to apply");
    }

    private static void EditPolicy(GatewayHarness harness, int tokenLimit)
    {
        var path = Path.Combine(harness.Gateway.ContentRoot, "proxy.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        var policy = config["Gateway"]!["RateLimiting"]!["Policies"]!["per-integration-key"]!;
        policy["TokenLimit"] = tokenLimit;
        policy["ReplenishmentPeriod"] = "00:10:00";
        var temp = path + ".tmp";
        File.WriteAllText(temp, config.ToJsonString());
        File.Move(temp, path, overwrite: true);
    }
}
