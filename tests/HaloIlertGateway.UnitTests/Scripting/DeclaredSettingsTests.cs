using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary><c>context.settings</c> of a script that declares its settings: parsed by the gateway, not by the script.</summary>
public sealed class DeclaredSettingsTests
{
    private const string Declared = """
        const settings = {
          ids: { list: ["8", "9"] },
          names: { list: ["Resolved", "Closed"], anyCase: true },
          prefix: { text: "{route}" },
          high: { pattern: "^(Priority [12]\\b|High)", anyCase: true },
          groups: { map: {} },
        };
        """;

    private static readonly CompiledTransform Script = ScriptTestKit.Compile("declared", Declared + """
        function transform(request, context) {
          const s = context.settings;
          request.body = {
            ids: [s.ids.has("9"), s.ids.has(9), s.ids.has("x"), s.ids.has(undefined), s.ids.includes("8"), s.ids.has(" 9")],
            names: [s.names.has("closed"), s.names.has("RESOLVED"), s.names.includes("closed")],
            idsJson: JSON.stringify(s.ids),
            idsKeys: Object.keys(s.ids).join(),
            frozen: [Object.isFrozen(s), Object.isFrozen(s.ids), Object.isFrozen(s.groups), Object.isFrozen(s.high)],
            prefix: s.prefix,
            high: [s.high.test("priority 1 - Critical"), s.high.test("Medium"), s.high.test("HIGH")],
            group: s.groups["287e"] === undefined ? null : s.groups["287e"],
            noPrototype: s.groups["constructor"] === undefined,
            keys: Object.keys(s).join(),
          };
          return request;
        }
        """);

    [Fact]
    public void ListsAreFrozenArraysWithHasInAnyCaseOnlyWhereDeclared()
    {
        var body = Run(Script, "halopsa", "{}");

        Assert.Equal("[true,true,false,false,true,false]", body["ids"]!.ToJsonString());
        Assert.Equal("[true,true,false]", body["names"]!.ToJsonString());
        Assert.Equal("""["8","9"]""", body["idsJson"]!.GetValue<string>());
        Assert.Equal("0,1", body["idsKeys"]!.GetValue<string>());
        Assert.Equal("[true,true,true,true]", body["frozen"]!.ToJsonString());
        Assert.Equal("ids,names,prefix,high,groups", body["keys"]!.GetValue<string>());
    }

    [Fact]
    public void APatternIsARegExpAndAMapAnObjectWithoutAPrototype()
    {
        var body = Run(Script, "halopsa", """{"groups": {"287e": "Network"}, "high": "^Medium$"}""");

        Assert.Equal("[false,true,false]", body["high"]!.ToJsonString());
        Assert.Equal("Network", body["group"]!.GetValue<string>());
        Assert.True(body["noPrototype"]!.GetValue<bool>());
    }

    [Fact]
    public void OneEngineGivesEachRouteItsOwnSettingsAndEachChangeNewOnes()
    {
        // The same pooled engine alternates between routes and settings: each run sees its own.
        Assert.Equal("halopsa", Run(Script, "halopsa", "{}")["prefix"]!.GetValue<string>());
        Assert.Equal("haloitsm", Run(Script, "haloitsm", "{}")["prefix"]!.GetValue<string>());
        Assert.Equal("eu", Run(Script, "haloitsm", """{"prefix": "eu"}""")["prefix"]!.GetValue<string>());
        Assert.Equal("halopsa", Run(Script, "halopsa", "{}")["prefix"]!.GetValue<string>());
    }

    [Fact]
    public void ARoutesOwnSettingsInConfigurationReachItsRunParsed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Transforms:declared:Settings:ids:0"] = "8",
            ["Gateway:Transforms:declared:Routes:eu:Settings:ids"] = "17, 18",
            ["Gateway:Transforms:declared:Routes:eu:Settings:names:0"] = "Done",
        }).Build();
        var script = ScriptTestKit.Compile("declared", Declared + """
            function transform(request, context) {
              request.body = { ids: context.settings.ids, done: context.settings.names.has("DONE"), prefix: context.settings.prefix };
              return request;
            }
            """);

        var shared = Run(script, "declared", Encoding.UTF8.GetString(HaloIlertGateway.Scripting.TransformSettingsProvider.SettingsFor(configuration, "declared", "declared")));
        var eu = Run(script, "eu", Encoding.UTF8.GetString(HaloIlertGateway.Scripting.TransformSettingsProvider.SettingsFor(configuration, "declared", "eu")));

        Assert.Equal("""{"ids":["8"],"done":false,"prefix":"declared"}""", shared.ToJsonString());
        Assert.Equal("""{"ids":["17","18"],"done":true,"prefix":"eu"}""", eu.ToJsonString());
    }

    [Fact]
    public void SettingsThatDoNotFitTheDeclarationFailTheRunNamingTheSettingNotTheValue()
    {
        var outcome = ScriptTestKit.Runner.Run(Script, ScriptTestKit.JsonRequest("{}"), Context("eu", """{"ids": {"a": "hunter2"}, "idz": "8"}"""));

        var failure = Assert.IsType<TransformOutcome.Fail>(outcome).Failure;
        Assert.Contains("the settings of route 'eu' do not fit the script's declaration", failure.Message);
        Assert.Contains("ids: a list (an array of text, or text separated by commas) is expected, not an object", failure.Message);
        Assert.Contains("idz: the transform declares no such setting", failure.Message);
        Assert.DoesNotContain("hunter2", failure.Message);
    }

    [Fact]
    public void AScriptWithoutADeclarationSeesTheConfigurationAsItIs()
    {
        var script = ScriptTestKit.Compile("raw", """
            function transform(request, context) {
              request.body = { settings: context.settings, frozen: Object.isFrozen(context.settings.ids) };
              return request;
            }
            """);

        var body = Run(script, "raw", """{"ids": ["8", " 9"], "anything": {"a": "b"}}""");

        Assert.Equal("""{"settings":{"ids":["8"," 9"],"anything":{"a":"b"}},"frozen":true}""", body.ToJsonString());
    }

    private static JsonNode Run(CompiledTransform script, string route, string settings)
    {
        var outcome = ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest("{}"), Context(route, settings));
        var forward = Assert.IsType<TransformOutcome.Forward>(outcome);
        return JsonNode.Parse(forward.Request.Body!)!;
    }

    private static TransformContext Context(string route, string settings) =>
        TransformContext.For(route, DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes(settings), new Dictionary<string, string>());
}
