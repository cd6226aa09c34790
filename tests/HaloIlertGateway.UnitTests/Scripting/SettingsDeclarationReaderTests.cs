using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Settings;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>The settings declaration a transform writes at its top, read from its syntax tree when it compiles.</summary>
public sealed class SettingsDeclarationReaderTests
{
    [Fact]
    public void AScriptWithoutATopLevelSettingsHasNoDeclaration()
    {
        var declaration = SettingsDeclarationReader.Read("function transform(request, context) { const settings = 1; return request; }", "t.js");

        Assert.Null(declaration);
    }

    [Fact]
    public void EachSettingKeepsItsKindDefaultMeaningAndPlaceInTheOrderWritten()
    {
        var declaration = SettingsDeclarationReader.Read("""
            const settings = {
              ids: { list: ["8", "9"], about: "status ids" },
              "names": { list: [], anyCase: true },
              url: { text: "{route}", about: "a link" },
              high: { pattern: "^(High|Critical)$", anyCase: true },
              groups: { map: { "a1": "Network", b2: "Desk" } },
            };
            function transform(request) { return request; }
            """, "t.js")!;

        Assert.Equal(["ids", "names", "url", "high", "groups"], declaration.Settings.Select(s => s.Name));
        Assert.Equal([SettingKind.List, SettingKind.List, SettingKind.Text, SettingKind.Pattern, SettingKind.Map], declaration.Settings.Select(s => s.Kind));
        Assert.Equal(["8", "9"], declaration.Settings[0].Items);
        Assert.Equal("status ids", declaration.Settings[0].About);
        Assert.False(declaration.Settings[0].AnyCase);
        Assert.True(declaration.Settings[1].AnyCase);
        Assert.Empty(declaration.Settings[1].Items);
        Assert.Equal("{route}", declaration.Settings[2].Text);
        Assert.Equal("^(High|Critical)$", declaration.Settings[3].Text);
        Assert.Equal([KeyValuePair.Create("a1", "Network"), KeyValuePair.Create("b2", "Desk")], declaration.Settings[4].Entries);
        Assert.Equal((1, 2), (declaration.Line, declaration.Settings[0].Line));
        Assert.Equal(3, declaration.Settings[0].Column);
    }

    [Theory]
    [InlineData("const settings = Object.freeze({});", "write it as an object literal", 1, 7)]
    [InlineData("const settings = {\n  ids: [\"8\"],\n};", "setting 'ids': write it as { list: [...] }", 2, 8)]
    [InlineData("const settings = {\n  ids: { list: [8, 9] },\n};", "each item of the list is text in quotes", 2, 17)]
    [InlineData("const settings = { ids: { list: \"8\" } };", "the default of a list is an array of text", 1, 33)]
    [InlineData("const settings = { ids: { about: \"x\" } };", "give its kind and default", 1, 25)]
    [InlineData("const settings = { ids: { list: [], text: \"\" } };", "give one of list, text, pattern or map, not two", 1, 37)]
    [InlineData("const settings = { ids: { list: [], aboutt: \"x\" } };", "'aboutt' is not a part of a setting", 1, 37)]
    [InlineData("const settings = { url: { text: \"\", anyCase: true } };", "anyCase applies to a list or a pattern", 1, 25)]
    [InlineData("const settings = { high: { pattern: \"(\" } };", "not a valid regular expression (Unterminated group)", 1, 37)]
    [InlineData("const settings = { [\"i\" + \"ds\"]: { list: [] } };", "each member of 'settings' is a setting", 1, 20)]
    [InlineData("const settings = { groups: { map: { a: 1 } } };", "each entry of the map is \"key\": \"text\"", 1, 37)]
    public void AMalformedDeclarationIsRefusedWithItsLineAndColumn(string source, string reason, int line, int column)
    {
        var refusal = Assert.Throws<TransformCompilationException>(() => SettingsDeclarationReader.Read(source, "t.js"));

        Assert.Contains(reason, refusal.Reason);
        Assert.Equal((line, column), (refusal.Line, refusal.Column));
    }

    [Fact]
    public void AScriptWithAMalformedDeclarationDoesNotCompile()
    {
        var refusal = Assert.Throws<TransformCompilationException>(() => ScriptTestKit.Compile("t", "const settings = { ids: { list: [1] } };\nfunction transform(r) { return r; }"));

        Assert.StartsWith("t.js(1,34):", refusal.Message);
    }
}
