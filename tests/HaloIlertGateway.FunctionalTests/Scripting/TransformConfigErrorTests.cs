using System.Net;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>A route that names a transform which is missing or does not compile is a config error, reported with file and position.</summary>
public sealed class TransformConfigErrorTests
{
    [Fact]
    public async Task ARouteNamingAMissingTransformStopsStartupNamingTheRouteAndFile()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithTransformRoute("ghost", "does-not-exist"));

        var error = harness.StartupError();

        Assert.Contains("Route 'ghost'", error);
        Assert.Contains(Path.Combine(harness.Gateway.TransformsDirectory, "does-not-exist.js"), error);
    }

    [Fact]
    public async Task SettingsOfARouteThatDoesNotRunTheTransformAreAConfigError()
    {
        // A typo in a route's own settings (Routes:<route>:Settings) would leave them silently unused.
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
            g.Settings["Gateway:Transforms:halopsa:Routes:halopsa_eu:Settings:closedStatusIds:0"] = "17");

        Assert.Contains("Gateway:Transforms:halopsa:Routes:halopsa_eu: there is no route 'halopsa_eu' that runs transform 'halopsa'", harness.StartupError());
    }

    [Fact]
    public async Task ASettingOfTheWrongKindOrOneTheScriptDoesNotDeclareStopsStartupNamingTransformRouteAndSetting()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.Settings["Gateway:Transforms:halopsa:Routes:haloitsm:Settings:highPriorityIds:tenant"] = "hunter2";
            g.Settings["Gateway:Transforms:halopsa:Settings:closedStatusID"] = "9";
        });

        var error = harness.StartupError();

        Assert.Contains("Gateway:Transforms:halopsa:Routes:haloitsm:Settings:highPriorityIds: a list (an array of text, or text separated by commas) is expected, not an object", error);
        Assert.Contains("Gateway:Transforms:halopsa:Settings:closedStatusID: the transform declares no such setting (its settings: closedStatusIds,", error);
        Assert.DoesNotContain("hunter2", error);
    }

    [Fact]
    public async Task ARouteNamingAScriptWithASyntaxErrorStopsStartupWithFileLineAndColumn()
    {
        await using var harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["broken"] = "function transform(request, context) {\n  return request;\n  if (\n}\n" },
            g => g.WithTransformRoute("broken", "broken"));

        var error = harness.StartupError();

        Assert.Contains("Route 'broken'", error);
        Assert.Contains(Path.Combine(harness.Gateway.TransformsDirectory, "broken.js") + "(4,1)", error);
    }

    [Fact]
    public async Task AScriptWithoutATransformFunctionIsAConfigError()
    {
        await using var harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["nofunction"] = "const transform = 42;" },
            g => g.WithTransformRoute("nofunction", "nofunction"));

        Assert.Contains("does not define a function 'transform(request, context)'", harness.StartupError());
    }

    [Fact]
    public async Task ABrokenScriptThatNoRouteUsesDoesNotStopTheGateway()
    {
        await using var harness = await GatewayHarness.CreateAsync(new Dictionary<string, string> { ["unused"] = "function transform( {" });

        using var response = await harness.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Transform unused was not loaded", harness.Gateway.Logs.AllText);
    }

    [Fact]
    public async Task AnOutOfRangeSandboxLimitStopsStartupNamingTheOption()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Scripting:TimeoutMilliseconds"] = "0");

        Assert.Contains("TimeoutMilliseconds", harness.StartupError());
    }
}
