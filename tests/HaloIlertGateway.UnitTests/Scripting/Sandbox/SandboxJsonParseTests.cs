using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using Jint;
using Jint.Native;

namespace HaloIlertGateway.UnitTests.Scripting.Sandbox;

/// <summary>
/// A script's <c>JSON.parse</c> reads a string the way a request body is read (<see cref="LazyJsonObject"/>), and
/// answers as Jint's own parser does: every probe runs in two sandboxed engines that differ only in their
/// <c>JSON.parse</c>, and must answer the same.
/// </summary>
public sealed class SandboxJsonParseTests
{
    private const int MaxDepth = 64;

    /// <summary>Stands for a lone surrogate written as itself, which test data cannot carry (it is stored as UTF-8).</summary>
    private const string LoneSurrogate = "<lone surrogate>";

    /// <summary>Stands for the characters that make the text as long as the sandbox reads itself (Jint's parser reads a longer one).</summary>
    private const string LongestText = "<longest>";

    /// <summary>Texts JSON.parse takes, refuses, or takes only through Jint's parser (a lone surrogate, too deep).</summary>
    public static readonly TheoryData<string> Texts = new()
    {
        """{"a":1,"b":[true,false,null,"x"],"c":{"d":-0.5e1}}""",
        """ 	{"a":"é \u00e9 😀 \ud83d\ude00 \u2028 \/ \"q\" \\"}""",
        "1", "-0", "1e400", "\"text\"", "null", "true", "[]", "{}",
        """{"b":1,"a":2,"b":3,"1":"one","0":"zero","__proto__":{"x":1},"constructor":1,"":"empty"}""",
        """{"a":"\ud800"}""",
        "{\"a\":\"" + LoneSurrogate + " written as itself\"}",
        "\uFEFF{}", "\u00A0{}", "{\"a\":\"tab\there\"}", "[1,]", "{\"a\":1,}", "1 2", "", " ", "nul", "01", "\"\\x41\"", "{'a':1}",
        string.Concat(Enumerable.Repeat("[", MaxDepth)) + new string(']', MaxDepth),
        string.Concat(Enumerable.Repeat("[", MaxDepth + 1)) + new string(']', MaxDepth + 1),
        string.Concat(Enumerable.Repeat("{\"a\":", MaxDepth + 1)) + "1" + new string('}', MaxDepth + 1),
    };

    private static readonly string[] TextProbes =
    [
        "JSON.stringify(JSON.parse(t))",
        "typeof JSON.parse(t) + Array.isArray(JSON.parse(t)) + Object.keys(Object(JSON.parse(t))).join()",
        "JSON.stringify(JSON.parse(t, (key, value) => typeof value === 'number' ? value * 2 : value))",
        "JSON.stringify(JSON.parse(t, 'not a function'))",
        "{ let calls = 0; const r = JSON.parse({ toString() { calls++; return t; } }); return calls + JSON.stringify(r); }",
        "{ const p = JSON.parse(t); if (p && typeof p === 'object') { p.added = 1; delete p.a; } return JSON.stringify(p); }",
    ];

    /// <summary>Values that are not strings: JSON.parse converts them first.</summary>
    private static readonly string[] OtherArguments =
    [
        "JSON.stringify(JSON.parse(1)) + JSON.stringify(JSON.parse(null)) + JSON.stringify(JSON.parse(true)) + JSON.stringify(JSON.parse([2]))",
        "JSON.parse()",
        "JSON.parse(Symbol('s'))",
        "JSON.parse('{\"a\":1}' + '')",
        "JSON.parse.name + JSON.parse.length + Object.getOwnPropertyDescriptor(JSON, 'parse').enumerable",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void JsonParseAnswersAsJintsOwnParser(string text)
    {
        text = Expand(text);
        var differences = ProbeDifferential.Differences(TextProbes, "t", (Jints, WithJintsParse, _ => text), (Sandboxes, WithSandboxParse, _ => text));

        Assert.True(differences.Length == 0, differences);
    }

    [Fact]
    public void AValueThatIsNotAStringIsConvertedAsJintConvertsIt()
    {
        var differences = ProbeDifferential.Differences(OtherArguments, "_", (Jints, WithJintsParse, _ => JsValue.Undefined), (Sandboxes, WithSandboxParse, _ => JsValue.Undefined));

        Assert.True(differences.Length == 0, differences);
    }

    [Theory]
    [MemberData(nameof(LazyJsonObjectTests.Bodies), MemberType = typeof(LazyJsonObjectTests))]
    public void WhatJsonParseGivesAnswersEveryProbeAsJintsOwnParser(string body)
    {
        var differences = ProbeDifferential.Differences(LazyJsonObjectTests.Probes, "b",
            (Jints, WithJintsParse, engine => Parse(engine, body)), (Sandboxes, WithSandboxParse, engine => Parse(engine, body)));

        Assert.True(differences.Length == 0, differences);
    }

    [Theory]
    [InlineData("""{"ticket":{"id":1}}""", true)]
    [InlineData("""{"a":"\ud800"}""", false)]
    [InlineData("{\"a\":\"" + LoneSurrogate + "\"}", false)]
    [InlineData("{\"a\":\"" + LongestText + "\"}", true)]
    [InlineData("{\"a\":\"" + LongestText + "x\"}", false)]
    public void AStringThatIsJsonIsReadLazilyAndAnyOtherByJint(string text, bool lazy)
    {
        text = Expand(text);
        using var engine = WithSandboxParse();

        Assert.Equal(lazy, Parse(engine, text) is LazyJsonObject);
        Assert.IsNotType<LazyJsonObject>(engine.Invoke(engine.Evaluate("JSON.parse"), text, engine.Evaluate("(key, value) => value")));
    }

    /// <summary><paramref name="text"/> with the stand-ins test data cannot carry put back.</summary>
    private static string Expand(string text) => text
        .Replace(LoneSurrogate, "\ud800", StringComparison.Ordinal)
        .Replace(LongestText, new string('x', SandboxBuiltins.LazyParseMaxLength - """{"a":""}""".Length), StringComparison.Ordinal);

    private static JsValue Parse(Engine engine, string text) => engine.Invoke(engine.Evaluate("JSON.parse"), text);

    private const string Jints = "Jint's JSON.parse";
    private const string Sandboxes = "the sandbox's";

    private static Engine WithSandboxParse() => Sandbox(jintsParse: false);

    private static Engine WithJintsParse() => Sandbox(jintsParse: true);

    /// <summary>An engine with the sandbox's built-ins, and its <c>JSON.parse</c> or Jint's own.</summary>
    private static Engine Sandbox(bool jintsParse)
    {
        var engine = new Engine(options => options.Strict().MaxJsonParseDepth(MaxDepth));
        var jints = engine.Evaluate("JSON.parse");
        SandboxBuiltins.Install(engine, new ScriptingOptions { MaxJsonDepth = MaxDepth });
        if (jintsParse)
        {
            engine.Evaluate("JSON").AsObject().FastSetProperty("parse", new Jint.Runtime.Descriptors.PropertyDescriptor(jints, writable: true, enumerable: false, configurable: true));
        }

        return engine;
    }
}
