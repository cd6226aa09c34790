using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;
using HaloIlertGateway.FunctionalTests.Scripting;

namespace HaloIlertGateway.FunctionalTests.Hosting;

/// <summary>proxy.json mounted from a Kubernetes ConfigMap: a new version arrives by a <c>..data</c> symlink swap, and is applied.</summary>
public sealed class MountedConfigTests
{
    private const string Ticket = """{"ticket":{"id":7,"summary":"s","status":{"id":1,"name":"New"}}}""";

    [Fact]
    public async Task AProxyJsonUpdatedByAConfigMapSwapIsApplied()
    {
        string? path = null;
        string? original = null;
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            path = Path.Combine(g.ContentRoot, "proxy.json");
            original = File.ReadAllText(path);
            File.Delete(path);
            ScriptFiles.WriteViaSymlinkSwap(path, WithPrefix(original, "first"), 1);
            g.Settings["Gateway:Delivery:RatePerMinutePerKey"] = "60000";
            // The test asks every few hundred milliseconds until the swap shows: the inbound limit must not answer first.
            g.Settings["Gateway:RateLimiting:Policies:per-integration-key:TokenLimit"] = "100000";
            g.Settings["Gateway:RateLimiting:Policies:per-integration-key:TokensPerPeriod"] = "100000";
        });
        Assert.Equal("first-7", await AlertKeyOfAsync(harness));

        ScriptFiles.WriteViaSymlinkSwap(path!, WithPrefix(original!, "second"), 2);

        await Eventually.TrueAsync(async () =>
        {
            await Task.Delay(200);
            return await AlertKeyOfAsync(harness) == "second-7";
        }, "the swapped proxy.json to be applied", TimeSpan.FromSeconds(20));
    }

    private static string WithPrefix(string proxyJson, string prefix)
    {
        var config = JsonNode.Parse(proxyJson)!;
        config["Gateway"]!["Transforms"]!["halopsa"]!["Settings"]!["alertKeyPrefix"] = prefix;
        return config.ToJsonString();
    }

    private static async Task<string> AlertKeyOfAsync(GatewayHarness harness)
    {
        var before = harness.Ilert.Received.Count;
        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-mounted", Ticket);
        response.EnsureSuccessStatusCode();
        var sent = await harness.Ilert.WaitForAsync(before + 1);
        return sent[^1].Json!["alertKey"]!.GetValue<string>();
    }
}
