using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.DependencyInjection;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Hosting;

/// <summary>
/// A change to proxy.json that does not parse, or that YARP finds invalid, is logged as an error with the file and
/// position, turns /readyz Degraded with the time of the configuration still serving, and leaves that configuration
/// serving; a good file makes it Healthy again.
/// </summary>
public sealed class ProxyConfigFaultTests
{
    private const string Ticket = """{"ticket":{"id":7,"summary":"s","status":{"id":1,"name":"New"}}}""";

    [Fact]
    public async Task AProxyJsonThatDoesNotParseIsLoggedAndReadinessSaysWhichConfigurationServes()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Delivery:RatePerMinutePerKey"] = "60000");
        var path = Path.Combine(harness.Gateway.ContentRoot, "proxy.json");
        var good = File.ReadAllText(path);
        Assert.Equal("Healthy", await ConfigStatusAsync(harness));

        File.WriteAllText(path, good.Replace("\"ReverseProxy\": {", "\"ReverseProxy\": {,", StringComparison.Ordinal));

        var description = await EventuallyDegradedAsync(harness);
        Assert.Contains("serving the configuration loaded at", description);
        Assert.Matches(@"proxy\.json\(\d+,\d+\)", description);
        Assert.Contains(harness.Gateway.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Error && e.RenderMessage().Contains("proxy.json(", StringComparison.Ordinal));
        using var served = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-config", Ticket);
        Assert.True(served.IsSuccessStatusCode, $"{served.StatusCode}");

        File.WriteAllText(path, good);
        await Eventually.TrueAsync(async () => await ConfigStatusAsync(harness) == "Healthy", "readiness Healthy again", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task AProxyJsonThatFailsValidationIsLoggedAndTheRoutesServingKeepServing()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Delivery:RatePerMinutePerKey"] = "60000");
        var path = Path.Combine(harness.Gateway.ContentRoot, "proxy.json");
        var good = File.ReadAllText(path);
        _ = harness.Client;
        var config = JsonNode.Parse(good)!;
        config["ReverseProxy"]!["Routes"]!["halopsa"]!["Transforms"]![0]!["JsTransform"] = "no-such-transform";

        File.WriteAllText(path, config.ToJsonString());

        var description = await EventuallyDegradedAsync(harness);
        Assert.Contains("no-such-transform", description);
        using var served = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-config", Ticket);
        Assert.True(served.IsSuccessStatusCode, $"{served.StatusCode}");
        Assert.Equal("ALERT", (await harness.Ilert.WaitForAsync(1)).Single().Json!["eventType"]!.GetValue<string>());
    }

    [Fact]
    public async Task SettingsThatDoNotFitTheScriptsDeclarationAreRefusedAndThePreviousSettingsKeepServing()
    {
        const string SecretValue = "transform-secret-kept";
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.Settings["Gateway:Delivery:RatePerMinutePerKey"] = "60000";
            var secretFile = Path.Combine(g.ContentRoot, "transform-secret");
            File.WriteAllText(secretFile, SecretValue);
            g.Settings["Gateway:Transforms:halopsa:Secrets:probe"] = "file:" + secretFile;
            g.Settings["ReverseProxy:Routes:halopsa:Metadata:AllowAnonymousCredentialUse"] = "true";
            g.Settings["ReverseProxy:Routes:haloitsm:Metadata:AllowAnonymousCredentialUse"] = "true";
        });
        var path = Path.Combine(harness.Gateway.ContentRoot, "proxy.json");
        _ = harness.Client;
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["Gateway"]!["Transforms"]!["halopsa"]!["Settings"]!["closedStatusIds"] = new JsonObject { ["tenant"] = "hunter2" };

        File.WriteAllText(path, config.ToJsonString());

        var description = await EventuallyDegradedAsync(harness);
        Assert.Contains("Route 'halopsa': transform 'halopsa': Gateway:Transforms:halopsa:Settings:closedStatusIds: a list", description);
        Assert.DoesNotContain("hunter2", description);
        await Eventually.TrueAsync(() => Task.FromResult(harness.Gateway.Logs.AllText.Contains("The new settings of transform halopsa were not applied", StringComparison.Ordinal)),
            "the refused settings logged", TimeSpan.FromSeconds(20));
        using var served = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-config", Ticket);
        Assert.True(served.IsSuccessStatusCode, $"{served.StatusCode}");
        Assert.Equal("ALERT", (await harness.Ilert.WaitForAsync(1)).Single().Json!["eventType"]!.GetValue<string>());
        // The transform's secrets stay with the settings it keeps.
        var empty = new Dictionary<string, string>();
        var context = harness.Gateway.Services.GetRequiredService<TransformSettingsProvider>()
            .ContextFor("halopsa", "halopsa", DateTimeOffset.UtcNow, new IncomingRequest("POST", "/", empty, empty, empty, TransformBody.None), new HashSet<string>());
        Assert.Equal(SecretValue, context.NamedSecrets["probe"]);
    }

    private static async Task<string> EventuallyDegradedAsync(GatewayHarness harness)
    {
        await Eventually.TrueAsync(async () => await ConfigStatusAsync(harness) == "Degraded", "readiness Degraded for the config", TimeSpan.FromSeconds(20));
        var ready = await ReadyAsync(harness);
        Assert.Equal("Degraded", ready["status"]!.GetValue<string>());
        return ready["checks"]!["config"]!["description"]!.GetValue<string>();
    }

    private static async Task<string> ConfigStatusAsync(GatewayHarness harness) =>
        (await ReadyAsync(harness))["checks"]!["config"]!["status"]!.GetValue<string>();

    private static async Task<JsonObject> ReadyAsync(GatewayHarness harness)
    {
        using var response = await harness.Management.GetAsync("/readyz");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
