using System.Text;
using HaloIlertGateway.Scripting.Settings;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>Configured settings parsed against a declaration: defaults, lists, {route}, wrong kinds, undeclared settings.</summary>
public sealed class SettingsParserTests
{
    private static readonly SettingsDeclaration Declaration = SettingsDeclarationReader.Read("""
        const settings = {
          ids: { list: ["8", "9"] },
          names: { list: ["Closed"], anyCase: true },
          url: { text: "" },
          prefix: { text: "{route}" },
          high: { pattern: "^High$", anyCase: true },
          groups: { map: { "a1": "Network" } },
        };
        """, "t.js")!;

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"ids": null, "names": "  ", "url": " ", "prefix": "", "high": "", "groups": null}""")]
    public void ASettingLeftOutBlankOrNullTakesItsDefault(string json)
    {
        var values = Parse(json, "halopsa", out var problems);

        Assert.Empty(problems);
        Assert.Equal(["8", "9"], values["ids"].Items);
        Assert.Equal(["Closed"], values["names"].Items);
        Assert.Equal("", values["url"].Text);
        Assert.Equal("halopsa", values["prefix"].Text);
        Assert.Equal("^High$", values["high"].Text);
        Assert.Equal([KeyValuePair.Create("a1", "Network")], values["groups"].Entries);
    }

    [Theory]
    [InlineData("""{"ids": [" 17", "", "18 "]}""")]
    [InlineData("""{"ids": " 17, ,18 "}""")]
    public void AListComesFromAnArrayOrTextSeparatedByCommasTrimmedWithoutEmptyItems(string json)
    {
        Assert.Equal(["17", "18"], Parse(json, "r", out _)["ids"].Items);
    }

    [Fact]
    public void AnArrayOfBlankItemsIsAnEmptyListNotTheDefault()
    {
        Assert.Empty(Parse("""{"ids": [" "]}""", "r", out _)["ids"].Items);
    }

    [Fact]
    public void RouteInATextStandsForTheRoutesIdInDefaultsAndValues()
    {
        Assert.Equal("haloitsm", Parse("{}", "haloitsm", out _)["prefix"].Text);
        Assert.Equal("eu-halopsa-eu", Parse("""{"prefix": " eu-{route} "}""", "halopsa-eu", out _)["prefix"].Text);
    }

    [Fact]
    public void AMapAndAPatternAreTakenAsGiven()
    {
        var values = Parse("""{"groups": {"287e": "Network", "9f00": "Service Desk"}, "high": "^(Critical|High)"}""", "r", out var problems);

        Assert.Empty(problems);
        Assert.Equal([KeyValuePair.Create("287e", "Network"), KeyValuePair.Create("9f00", "Service Desk")], values["groups"].Entries);
        Assert.Equal("^(Critical|High)", values["high"].Text);
    }

    [Theory]
    [InlineData("""{"ids": {"a": "secret-looking-value"}}""", "ids", "a list (an array of text, or text separated by commas) is expected, not an object")]
    [InlineData("""{"ids": ["8", {"x": "secret-looking-value"}]}""", "ids", "item 1 of the list is an object, not text")]
    [InlineData("""{"url": ["secret-looking-value"]}""", "url", "text is expected, not a list")]
    [InlineData("""{"high": {"a": "secret-looking-value"}}""", "high", "a regular expression (text) is expected, not an object")]
    [InlineData("""{"high": "(secret-looking-value"}""", "high", "not a valid regular expression (Unterminated group)")]
    [InlineData("""{"groups": "secret-looking-value"}""", "groups", "an object of names to text is expected, not text")]
    [InlineData("""{"groups": {"a": ["secret-looking-value"]}}""", "groups", "the entry 'a' is a list, not text")]
    public void AValueOfTheWrongKindIsAProblemNamingTheSettingNeverTheValueAndTheDefaultApplies(string json, string setting, string reason)
    {
        var values = Parse(json, "r", out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal(setting, problem.Setting);
        Assert.Equal(reason, problem.Reason);
        Assert.DoesNotContain("secret-looking-value", problem.Reason);
        Assert.Equal(Declaration.Find(setting)!.Kind == SettingKind.List ? Declaration.Find(setting)!.Items : values[setting].Items, values[setting].Items);
    }

    [Fact]
    public void ASettingTheTransformDoesNotDeclareIsAProblemListingTheDeclaredOnes()
    {
        Parse("""{"idz": ["8"], "ids": ["9"]}""", "r", out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal("idz", problem.Setting);
        Assert.Equal("the transform declares no such setting (its settings: ids, names, url, prefix, high, groups)", problem.Reason);
    }

    private static Dictionary<string, SettingValue> Parse(string json, string route, out IReadOnlyList<SettingProblem> problems) =>
        SettingsParser.Parse(Declaration, Encoding.UTF8.GetBytes(json), route, out problems).ToDictionary(value => value.Declaration.Name);
}
