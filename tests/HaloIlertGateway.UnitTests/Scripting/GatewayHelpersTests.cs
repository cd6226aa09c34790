using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>
/// The <c>gw</c> helpers: each gives what the JavaScript it replaced gave (<c>bench/nginx/gw.js</c>, the rules the
/// shipped transforms had, run here in the same sandbox) on generated and hand-picked inputs; each refuses input
/// beyond the sandbox's limits; and no script can change them for the next run.
/// </summary>
public sealed class GatewayHelpersTests
{
    private static readonly string Reference = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "bench", "nginx", "gw.js"))
        .Replace("var gw = (function", "var gwJs = (function", StringComparison.Ordinal);

    private static readonly string[] Tokens =
    [
        "<br>", "<BR/>", "<br />", "<bR\u00a0>", "<br\ufeff/>", "<br\u0085>", "<li>", "<LI class=\"x\">", "<link rel=a>", "</li>", "<p>", "</p>", "</P>",
        "</div>", "</DIV >", "</h1>", "</h7>", "</table>", "</blockquote>", "</dıv>", "<b>", "<", ">", "</", "<a <br>>", "&", "&amp;", "&AMP;",
        "&lt;br&gt;", "&#233;", "&#xE9;", "&#X1F525;", "&#0;", "&#xD800;", "&#1114112;", "&#x110000;", "&#12345678;", "&#x;", "&nbsp;",
        "&NbSp;", "&unknown;", "&abcdefghi;", "&a;", "&hellip;", "&#13;", "&#10;", "\r\n", "\r", "\n", "\n\n\n", " ", "  ", "\t", "\u00a0",
        "\u2028", "\u2029", "\u2003", "\ufeff", "\u0085", "\v", "a", "Ticket", "é", "🔥", "ı", ";", "#", "x",
    ];

    [Fact]
    public void HtmlToTextDecodeEntitiesAndTextGiveWhatTheJavaScriptGaveOnGeneratedInputs()
    {
        var random = new Random(20261129);
        // One input in fifty is long: past what the helpers rewrite on the stack.
        var inputs = Enumerable.Range(0, 2000)
            .Select(i => string.Concat(Enumerable.Range(0, random.Next(0, i % 50 == 0 ? 400 : 14)).Select(_ => Tokens[random.Next(Tokens.Length)])))
            .ToList();
        Assert.Contains(inputs, input => input.Length > 1024);

        foreach (var batch in inputs.Chunk(250))
        {
            // Compared in the script and reported as JSON (ASCII-safe: some inputs decode to lone surrogates).
            var mismatches = Compare("""
                const out = [];
                for (const s of input) {
                  for (const name of ["htmlToText", "decodeEntities", "text"]) {
                    const cs = gw[name](s), js = gwJs[name](s);
                    if (cs !== js) out.push([name + " of " + JSON.stringify(s), "C# " + JSON.stringify(cs) + ", JavaScript " + JSON.stringify(js)]);
                  }
                }
                return out;
                """, batch);
            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Select(m => m.ToJsonString())));
        }
    }

    [Fact]
    public void HtmlToTextKeepsLinesAndListsAndDropsTags() =>
        Assert.Equal("Users report Outlook down.\nPing times out.\n\n- EXCH01\n- EXCH02\n\nCall <Jane> & Co. é", Run("""
            return gw.htmlToText("<p>Users report Outlook down.<br>Ping times out.</p><ul><li>EXCH01</li><li class='x'>EXCH02</li></ul>\r\n\r\n\r\n<div>Call &lt;Jane&gt; &amp; Co. &#233;&nbsp;</div>  ");
            """).GetValue<string>());

    [Fact]
    public void ParseDateReadsTheUsualFormatsAsUtcAndGivesNullForTheRest()
    {
        var results = Compare("""
            return input.map((v) => [gw.parseDate(v), gwJs.parseDate(v)]);
            """, ["2026-11-28T09:14:03.217", "2026-11-28T09:14:03Z", "2026-11-28T10:14:03+01:00", "2026-11-28", "Sat, 28 Nov 2026 09:14:03 GMT", "not a date", "", "  2026-11-28T09:14:03  "]);

        Assert.All(results, pair => Assert.Equal(pair[1]?.ToJsonString(), pair[0]?.ToJsonString()));
        Assert.Equal("2026-11-28T09:14:03.217Z", results[0][0]!.GetValue<string>());
        Assert.Equal("2026-11-28T09:14:03.000Z", results[2][0]!.GetValue<string>());
        Assert.Null(results[5][0]);
        Assert.Equal("2025-12-28T09:14:03.217Z", Run("return gw.parseDate(1766913243217);").GetValue<string>());
    }

    [Fact]
    public void RefCompactAndListGiveWhatTheJavaScriptGave()
    {
        var results = Compare("""
            // A getter that changes the members after it: the keys were settled before it ran (Object.keys).
            const changing = (change) => { const o = { a: 1, get g() { change(o); return 2; }, b: 3, c: "" }; return o; };
            const hide = (o) => Object.defineProperty(o, "b", { enumerable: false });
            const remove = (o) => { delete o.b; o.late = 4; };
            const cases = [
              () => [gw.compact(changing(hide)), gwJs.compact(changing(hide))],
              () => [gw.compact(changing(remove)), gwJs.compact(changing(remove))],
              () => [gw.ref({ id: 4, name: " Critical " }), gwJs.ref({ id: 4, name: " Critical " })],
              () => [gw.ref(undefined, 7), gwJs.ref(undefined, 7)],
              () => [gw.ref("9"), gwJs.ref("9")],
              () => [gw.ref(null, null), gwJs.ref(null, null)],
              () => [gw.compact({ a: 1, b: "", c: null, d: undefined, e: 0, f: false, g: [] }), gwJs.compact({ a: 1, b: "", c: null, d: undefined, e: 0, f: false, g: [] })],
              () => [gw.compact({ b: 1, 2: "x", a: 2, 1: "y", [Symbol("s")]: 3 }), gwJs.compact({ b: 1, 2: "x", a: 2, 1: "y", [Symbol("s")]: 3 })],
              () => [gw.compact(Object.defineProperty({ a: 1 }, "hidden", { value: 2, enumerable: false })), gwJs.compact(Object.defineProperty({ a: 1 }, "hidden", { value: 2, enumerable: false }))],
              () => [gw.compact({ get lazy() { return "v"; }, empty: "" }), gwJs.compact({ get lazy() { return "v"; }, empty: "" })],
              () => [gw.compact(new Proxy({ a: 1, b: "" }, {})), gwJs.compact(new Proxy({ a: 1, b: "" }, {}))],
              () => [gw.compact({ a: 1, get inner() { return gw.compact({ x: 1, y: "" }); }, z: 2 }), gwJs.compact({ a: 1, get inner() { return gwJs.compact({ x: 1, y: "" }); }, z: 2 })],
              () => [gw.list([" 8", 9, "", null], ["x"]), gwJs.list([" 8", 9, "", null], ["x"])],
              () => [gw.list("Resolved, Closed,,", ["x"], true), gwJs.list("Resolved, Closed,,", ["x"], true)],
              () => [gw.list(undefined, ["Resolved", "Closed"], true), gwJs.list(undefined, ["Resolved", "Closed"], true)],
              () => [gw.list("  ", ["8", "9"]), gwJs.list("  ", ["8", "9"])],
              () => [gw.list(undefined), gwJs.list(undefined)],
              () => [gw.keySet([" 8", 9, "", null], ["x"]), gwJs.keySet([" 8", 9, "", null], ["x"])],
              () => [gw.keySet("Resolved, Closed,,", ["x"], true), gwJs.keySet("Resolved, Closed,,", ["x"], true)],
              () => [gw.keySet(undefined, ["Resolved", "", 7], true), gwJs.keySet(undefined, ["Resolved", "", 7], true)],
              () => [gw.keySet(undefined, ["Resolved", "", 7]), gwJs.keySet(undefined, ["Resolved", "", 7])],
              () => [gw.keySet("  ", "8, 9"), gwJs.keySet("  ", "8, 9")],
              () => [gw.keySet(undefined), gwJs.keySet(undefined)],
            ];
            return cases.map((c) => c());
            """, []);

        Assert.All(results, pair => Assert.Equal(pair[1]!.ToJsonString(), pair[0]!.ToJsonString()));
        Assert.Equal("""{"1":"y","2":"x","b":1,"a":2}""", results[7][0]!.ToJsonString());
        Assert.Equal("""{"a":1,"g":2,"b":3}""", results[0][0]!.ToJsonString());
    }

    [Fact]
    public void KeySetIsAFrozenObjectWithoutAPrototypeWhoseKeysAreTheItems()
    {
        var results = Compare("""
            const set = gw.keySet("8, __proto__, constructor, Closed", [], true);
            const js = gwJs.keySet("8, __proto__, constructor, Closed", [], true);
            const probe = (s) => ["8" in s, "__proto__" in s, "constructor" in s, "closed" in s, "Closed" in s, "toString" in s, "9" in s, Object.getPrototypeOf(s) === null, Object.isFrozen(s), Object.keys(s).join("|")];
            let added;
            try { set["9"] = true; added = "9" in set; } catch (e) { added = !(e instanceof TypeError); }
            return [[probe(set), probe(js)], [added, false]];
            """, []);

        Assert.Equal(results[0][1]!.ToJsonString(), results[0][0]!.ToJsonString());
        Assert.Equal("""[true,true,true,true,false,false,false,true,true,"8|__proto__|constructor|closed"]""", results[0][0]!.ToJsonString());
        Assert.False(results[1][0]!.GetValue<bool>());
    }

    [Fact]
    public void HelpersAreFrozenAndAnAssignedGlobalIsTheHelpersAgainInTheNextRun()
    {
        var script = ScriptTestKit.Compile("tamper", """
            function transform(request) {
              const attempts = [() => { gw.htmlToText = () => "x"; }, () => { gw.extra = 1; }, () => { delete gw.text; }, () => { gw.text.call = null; },
                () => { delete globalThis.gw; }, () => { Object.defineProperty(globalThis, "gw", { get: () => null }); }];
              const refused = attempts.filter((a) => { try { a(); return false; } catch (e) { return e instanceof TypeError; } }).length;
              const text = gw.htmlToText("<b>x</b>");
              gw = { htmlToText: () => "mine" };
              request.body = { refused, text, assigned: gw.htmlToText("") };
              return request;
            }
            """);

        foreach (var _ in Enumerable.Range(0, 3))
        {
            var body = Forwarded(ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest("{}"), ScriptTestKit.Context("tamper")));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"refused":6,"text":"x","assigned":"mine"}"""), body), body.ToJsonString());
        }
    }

    [Fact]
    public void AnEngineWhoseGlobalWasMadeReadOnlyWithSomethingElseIsNotRunAgain()
    {
        // The run still answers; the helpers cannot be put back, so the next run gets another engine.
        var script = ScriptTestKit.Compile("readonly", """
            let runs = 0;
            function transform(request) {
              runs++;
              const text = gw.htmlToText("<b>x</b>");
              Object.defineProperty(globalThis, "gw", { value: { htmlToText: () => "mine" }, writable: false });
              request.body = { text, runs };
              return request;
            }
            """);

        foreach (var _ in Enumerable.Range(0, 3))
        {
            var body = Forwarded(ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest("{}"), ScriptTestKit.Context("readonly")));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"text":"x","runs":1}"""), body), body.ToJsonString());
        }
    }

    [Theory]
    [InlineData("var gw = { text: (v) => v };", "declares or replaces 'gw'")]
    [InlineData("gw = null;", "declares or replaces 'gw'")]
    [InlineData("let gw = 1;", "has already been declared")]
    [InlineData("function gw() {}", "Cannot declare global function gw")]
    public void AScriptCannotDeclareOrReplaceTheHelpers(string topLevel, string message)
    {
        var refused = Assert.Throws<TransformCompilationException>(() =>
            ScriptTestKit.Compile("declares", topLevel + "\nfunction transform(request) { return request; }"));
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gw.htmlToText(request.body.s)", "string-length")]
    [InlineData("gw.decodeEntities(request.body.s)", "string-length")]
    [InlineData("gw.text(request.body.s)", "string-length")]
    [InlineData("gw.parseDate(request.body.s)", "string-length")]
    [InlineData("gw.list((() => { const a = []; a.length = 1e9; return a; })(), [])", "array-length")]
    [InlineData("gw.list(undefined, (() => { const a = []; a.length = 1e9; return a; })(), true)", "array-length")]
    [InlineData("gw.list(request.body.s)", "string-length")]
    [InlineData("gw.keySet((() => { const a = []; a.length = 1e9; return a; })())", "array-length")]
    [InlineData("gw.keySet(undefined, (() => { const a = []; a.length = 4294967295; return a; })())", "array-length")]
    [InlineData("gw.keySet(request.body.s)", "string-length")]
    public void AnInputBeyondTheSandboxLimitsIsRefusedBeforeAnyWork(string call, string limit)
    {
        var limits = new ScriptingOptions { MaxStringLength = 100, MaxArrayLength = 100 };
        var script = CompiledTransform.Compile("limits", "limits.js", $"function transform(request) {{ request.body = {{ v: {call} }}; return request; }}", JintSandbox.Create(limits), DateTimeOffset.UtcNow);
        var body = JsonSerializer.Serialize(new { s = new string('<', 101) });

        var outcome = new TransformRunner(Options.Create(limits)).Run(script, ScriptTestKit.JsonRequest(body), ScriptTestKit.Context("limits"));

        var failure = Assert.IsType<TransformOutcome.Fail>(outcome).Failure;
        Assert.True(failure.Limit == limit, failure.Message);
        Assert.Contains("gw.", failure.Message);
    }

    private static JsonNode Run(string code)
    {
        var script = ScriptTestKit.Compile("helper", $"function transform(request) {{ request.body = {{ v: (() => {{ {code} }})() }}; return request; }}");
        return Forwarded(ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest("{}"), ScriptTestKit.Context("helper")))["v"]!;
    }

    /// <summary>Runs <paramref name="code"/> (which sees <c>input</c>, <c>gw</c> and the JavaScript <c>gwJs</c>) and returns its array of pairs.</summary>
    private static List<JsonArray> Compare(string code, IReadOnlyList<string> input)
    {
        var script = ScriptTestKit.Compile("compare", Reference + $"\nfunction transform(request) {{ const input = request.body.input; request.body = {{ v: (() => {{ {code} }})() }}; return request; }}");
        var outcome = ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest(JsonSerializer.Serialize(new { input })), ScriptTestKit.Context("compare"), TimeSpan.FromSeconds(30));
        return Forwarded(outcome)["v"]!.AsArray().Select(pair => pair!.AsArray()).ToList();
    }

    private static JsonNode Forwarded(TransformOutcome outcome)
    {
        var forward = Assert.IsType<TransformOutcome.Forward>(outcome);
        return JsonNode.Parse(Encoding.UTF8.GetString(forward.Request.Body!))!;
    }

}
