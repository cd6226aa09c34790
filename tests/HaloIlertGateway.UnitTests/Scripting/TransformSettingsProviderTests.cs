using System.Text.Json.Nodes;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Configuration;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>The settings a route runs its transform with: the transform's, each key the route has of its own replaced whole.</summary>
public sealed class TransformSettingsProviderTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Gateway:Transforms:halopsa:Settings:closedStatusIds:0"] = "8",
        ["Gateway:Transforms:halopsa:Settings:closedStatusIds:1"] = "9",
        ["Gateway:Transforms:halopsa:Settings:highPriorityIds:0"] = "1",
        ["Gateway:Transforms:halopsa:Settings:ticketUrl"] = "https://halo.example.com/ticket?id={id}",
        ["Gateway:Transforms:halopsa:Routes:halopsa-eu:Settings:closedStatusIds:0"] = "17",
        ["Gateway:Transforms:halopsa:Routes:halopsa-eu:Settings:alertKeyPrefix"] = "eu",
    }).Build();

    [Fact]
    public void ARoutesOwnKeyReplacesTheTransformsWholeAndTheOthersStayShared()
    {
        var settings = Parse(TransformSettingsProvider.SettingsFor(Configuration, "halopsa", "halopsa-eu"));

        // A list is replaced, never merged item by item (configuration layers would keep "9" as item 1).
        Assert.Equal("""["17"]""", settings["closedStatusIds"]!.ToJsonString());
        Assert.Equal("""["1"]""", settings["highPriorityIds"]!.ToJsonString());
        Assert.Equal("eu", settings["alertKeyPrefix"]!.GetValue<string>());
        Assert.Equal("https://halo.example.com/ticket?id={id}", settings["ticketUrl"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("halopsa")]
    [InlineData(null)]
    public void ARouteWithoutSettingsOfItsOwnRunsWithTheTransforms(string? route)
    {
        var settings = Parse(TransformSettingsProvider.SettingsFor(Configuration, "halopsa", route));

        Assert.Equal("""["8","9"]""", settings["closedStatusIds"]!.ToJsonString());
        Assert.False(settings.ContainsKey("alertKeyPrefix"));
    }

    [Fact]
    public void TheProviderServesEachRouteItsOwnAndRouteIdsCompareWithoutCase()
    {
        using var provider = new TransformSettingsProvider(Configuration, new HaloIlertGateway.Security.SecretStore(TimeProvider.System));

        Assert.Equal("""["17"]""", Parse(provider.Get("halopsa", "HaloPSA-EU").ToArray())["closedStatusIds"]!.ToJsonString());
        Assert.Equal("""["8","9"]""", Parse(provider.Get("halopsa", "halopsa").ToArray())["closedStatusIds"]!.ToJsonString());
        Assert.True(provider.Get("halopsa", "halopsa").Span.SequenceEqual(provider.Get("halopsa").Span));
    }

    private static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();
}
