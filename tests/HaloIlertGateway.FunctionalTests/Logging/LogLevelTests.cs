using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Logging;

/// <summary>The shipped log levels (gateway/appsettings.json) hold wherever the gateway runs from.</summary>
public sealed class LogLevelTests
{
    [Fact]
    public async Task FromAContentRootWithoutAppsettingsTheShippedLevelsStillApply()
    {
        // As under `dotnet run --project gateway`: the content root (here a temp copy of proxy.json and transforms/)
        // has no appsettings.json; the one beside the app must still set the levels.
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings.Remove("Serilog:MinimumLevel:Default"));
        Assert.False(File.Exists(Path.Combine(harness.Gateway.ContentRoot, "appsettings.json")));

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-levels", """{"ticket":{"id":1,"summary":"s","status":{"id":1,"name":"New"}}}""");
        response.EnsureSuccessStatusCode();
        await harness.Gateway.DisposeAsync();

        var logs = harness.Gateway.Logs.AllText;
        Assert.Contains("is live", logs); // the gateway's own Information lines ...
        Assert.DoesNotContain("Request starting", logs); // ... but ASP.NET Core's hosting lines only from Warning ...
        Assert.DoesNotContain("Proxying to", logs); // ... and YARP's too.
    }
}
