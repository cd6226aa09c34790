using System.Text;
using System.Text.Json;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using HaloIlertGateway.Tests.Infrastructure;
using Jint;
using Jint.Native.Json;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>
/// A body read lazily is, to a script, the object <c>JSON.parse</c> gives: every probe below runs once on each, in an
/// engine of its own, and must answer the same.
/// </summary>
public sealed class LazyJsonObjectTests
{
    public static readonly TheoryData<string> Bodies = new()
    {
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "bench", "new-ticket.json")),
        """{"b":1,"a":2,"b":3,"1":"one","0":"zero","__proto__":{"x":1},"\u0061\u0062":"ab","n":[1,-0,1e400,-1e400,1.5e-320,12345678901234567890,{"deep":[[]]}],"s":"\ud83d\ude00\u0000é","":"empty","constructor":1}""",
        ManyMembers(",\"\\u006d1\":\"escaped\""),
        ManyMembers(",\"m1\":\"again\""),
        ManyMembers(""),
    };

    internal static readonly string[] Probes =
    [
        "JSON.stringify(b)",
        "JSON.stringify(Object.keys(b)) + Object.getOwnPropertyNames(b).length",
        "b.b + ':' + b[1] + ':' + b['0'] + ':' + b.ab + ':' + JSON.stringify(b.__proto__) + ':' + Object.getPrototypeOf(b).x + ':' + b[''] + b.constructor",
        "JSON.stringify(b.n) + (b.n ? 1 / b.n[1] : '') + (b.s ? b.s.length : '')",
        "b.m120 + ':' + b.m0 + ':' + b.m199 + ':' + b.missing + ':' + b['m\\u0031'] + ('m5' in b) + b.hasOwnProperty('m7') + b.hasOwnProperty('toString')",
        "`${b}` + (b + '') + typeof b + Array.isArray(b) + (b instanceof Object) + (Object.getPrototypeOf(b) === Object.prototype)",
        "b.ticket === b.ticket && b.ticket?.status === b.ticket?.status",
        "b['\\ud800'] + ':' + ('\\udc00x' in b) + ':' + b['\\ud83d\\ude00'] + ':' + b['x'.repeat(200)] + ':' + b['é'.repeat(100)]",
        "{ if (b.ticket) { b.ticket.status.name = 'x'; } return JSON.stringify(b); }",
        "{ const t = b.ticket || b; const s = t.status; t.extra = 1; if (s) { s.id = 9; } return JSON.stringify(b); }",
        "{ const t = b.ticket || b; t.summary; delete t.summary; delete t.b; return t.summary === undefined && !('summary' in t) && JSON.stringify(t); }",
        "{ const out = []; for (const k in (b.ticket || b)) { out.push(k); } return out.join(); }",
        "JSON.stringify({ ...(b.ticket || b), x: 1 }) + JSON.stringify(Object.assign({}, b)) + JSON.stringify(Object.entries(b))",
        "{ Object.freeze(b); try { b.b = 5; return 'no throw'; } catch (e) { return e.constructor.name + Object.isFrozen(b) + Object.isExtensible(b); } }",
        "{ Object.defineProperty(b, 'b', { value: 7, enumerable: false }); return JSON.stringify(b) + b.b; }",
        "{ b.b = 8; b.zz = 1; return Object.keys(b).indexOf('b') + ':' + b.b + JSON.stringify(Object.getOwnPropertyDescriptor(b, 'zz')); }",
        "{ const { b: x, ...rest } = b; return x + JSON.stringify(rest); }",
        "JSON.stringify(b, null, 1).length + JSON.stringify(b, ['ticket', 'id', 'b'])",
        "{ Object.setPrototypeOf(b, { inherited: 1 }); return b.inherited + ':' + Object.keys(b).length; }",
        "{ Object.preventExtensions(b); b.newOne = 1; return b.newOne === undefined; }",
        "{ Object.prototype.toJSON = function () { return 'patched'; }; try { return JSON.stringify(b); } finally { delete Object.prototype.toJSON; } }",
        "{ const keep = b.n || b.ticket; globalThis.kept = keep; return typeof globalThis.kept; }",
        // More members read than an object first has room for: each read again is the same value, the object made ordinary too.
        "{ const t = b.ticket || b; const names = ['status', 'id', 'summary', 'details', 'dateoccurred', 'dateclosed', 'tickettype', 'priority', 'client_id', 'client_name', 'site_id', 'site_name', 'team', 'agent', 'organisation_id', 'department_id', 'workflow_name', 'oppcompanyname', 'b', 'a', 'n', ...Array.from({ length: 40 }, (_, i) => 'm' + i)]; const first = names.map((n) => t[n]); const same = names.every((n, i) => t[n] === first[i]); t.late = 1; return same + ':' + names.every((n, i) => t[n] === first[i]) + ':' + first.filter((v) => v !== undefined).length + JSON.stringify(first.slice(-3)); }",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public void EveryProbeAnswersAsOnTheObjectJsonParseGives(string body)
    {
        var utf8 = Encoding.UTF8.GetBytes(body);

        var differences = ProbeDifferential.Differences(Probes, "b",
            ("JSON.parse", engine => new JsonParser(engine).Parse(utf8)),
            ("lazy", engine => LazyJsonObject.Parse(engine, utf8, 64)));

        Assert.True(differences.Length == 0, differences);
    }

    /// <summary>Probes that give the run's parse back (<c>release()</c>) part-way: what was read before and what is read after.</summary>
    private static readonly string[] ReleasedPartWay =
    [
        "{ release(); return JSON.stringify(b); }",
        "{ const t = b.ticket || b; const s = t.status; release(); return JSON.stringify(b) + (s && s.name) + (t === (b.ticket || b)) + (s === t.status); }",
        "{ b.ticket; release(); return JSON.stringify(Object.keys(b)) + JSON.stringify(b.ticket) + b.m120 + b.m0 + b['m\\u0031']; }",
        "{ const n = b.n; release(); return JSON.stringify(n) + b.b + b['0'] + b.ab + (n === b.n); }",
        "{ const t = b.ticket || b; t.summary; release(); t.extra = 1; return JSON.stringify(t); }",
        "{ if (b.ticket) { b.ticket.status.name = 'x'; } release(); return JSON.stringify(b) + b.ticket?.status?.name; }",
        "{ release(); const t = b.ticket || b; const s = t.status; release(); return JSON.stringify(s) + JSON.stringify(t); }",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public void EveryProbeAnswersTheSameAfterTheRunsParseIsGivenBack(string body)
    {
        var utf8 = Encoding.UTF8.GetBytes(body);

        // Given back before the first read: every member is read from the object's own text, parsed again.
        var before = ProbeDifferential.Differences(Probes, "b",
            ("JSON.parse", engine => new JsonParser(engine).Parse(utf8)),
            ("released", engine =>
            {
                var parsed = ParsedJson.Parse(utf8, 64);
                var value = LazyJsonObject.ToJs(engine, parsed);
                parsed.Release();
                return value;
            }));
        // Given back part-way through the probe.
        var partWay = ProbeDifferential.Differences(ReleasedPartWay, "b",
            ("JSON.parse", WithRelease, engine => new JsonParser(engine).Parse(utf8)),
            ("released part-way", WithRelease, engine =>
            {
                var parsed = ParsedJson.Parse(utf8, 64);
                engine.SetValue("release", new Jint.Runtime.Interop.ClrFunction(engine, "release", (_, _) =>
                {
                    parsed.Release();
                    return Jint.Native.JsValue.Undefined;
                }));
                return LazyJsonObject.ToJs(engine, parsed);
            }));

        Assert.True(before.Length == 0 && partWay.Length == 0, before + "\n" + partWay);
    }

    /// <summary>A strict engine with a global <c>release()</c> that does nothing (the released side replaces it).</summary>
    private static Engine WithRelease()
    {
        var engine = new Engine(options => options.Strict());
        engine.SetValue("release", new Jint.Runtime.Interop.ClrFunction(engine, "release", (_, _) => Jint.Native.JsValue.Undefined));
        return engine;
    }

    /// <summary>What the script did before the body is written out: a part it never looked into is written from its JSON.</summary>
    private static readonly string[] BeforeWriting =
    [
        "",
        "b.ticket; b.n;",
        "const first = Object.keys(b)[0]; b[first];",
        "Object.prototype.toJSON = function () { return 'patched'; };",
        "Object.defineProperty(Array.prototype, 'toJSON', { value: function () { return 'array'; }, configurable: true });",
        "Object.setPrototypeOf(b.ticket || b, { inherited: 1 });",
        "if (b.ticket) { b.ticket.status.name = 'changed'; }",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public void ABodyWrittenOutIsWhatJsonStringifyWritesOfTheParsedObject(string body)
    {
        var variants = new[] { body, WithEverythingAWriterMustGetRight() };
        var differences = (
            from json in variants
            from script in BeforeWriting
            let parsed = Write(json, script, lazy: false)
            let lazy = Write(json, script, lazy: true)
            where parsed != lazy
            select $"{script}\n  JSON.parse: {parsed}\n  lazy:       {lazy}").ToList();

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void AValueKeptPastItsRunIsStillReadableInTheNextRun()
    {
        using var engine = new Engine();
        engine.Execute("let kept; function keep(b) { kept = b.ticket; } function read() { return kept.status.name + ':' + Object.keys(kept).length; }");
        var body = Encoding.UTF8.GetBytes("""{"ticket":{"status":{"name":"New"},"id":7}}""");

        engine.Invoke("keep", LazyJsonObject.Parse(engine, body, 64));
        GC.Collect();

        Assert.Equal("New:2", engine.Invoke("read").AsString());
    }

    [Fact]
    public void ABodyNestedDeeperThanTheLimitIsRefused()
    {
        using var engine = new Engine();
        var deep = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10)) + "1" + new string('}', 10));

        Assert.NotNull(LazyJsonObject.Parse(engine, deep, 10));
        Assert.ThrowsAny<JsonException>(() => LazyJsonObject.Parse(engine, deep, 9));
    }

    private static string Write(string body, string script, bool lazy)
    {
        using var engine = new Engine(options => options.Strict());
        var utf8 = Encoding.UTF8.GetBytes(body);
        var value = lazy ? LazyJsonObject.Parse(engine, utf8, 64) : new JsonParser(engine).Parse(utf8);
        try
        {
            engine.Invoke(engine.Evaluate($"(b) => {{ {script} }}"), value);
            return new BoundedJsonWriter(engine, 1 << 20, "the body").Write(value, Jint.Native.JsValue.Undefined, Jint.Native.JsValue.Undefined) ?? "undefined";
        }
        catch (Exception ex)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    /// <summary>Names and strings a writer could get wrong: escapes, index-like and duplicate names, a toJSON member, numbers JSON.parse changes.</summary>
    private static string WithEverythingAWriterMustGetRight() => """
        {"ticket":{"status":{"name":"New","id":1}},"z":1,"10":"ten","2":"two","007":"not an index","a":{"\u0062":1,"b":2},
         "toJSON":"not a function","__proto__":{"p":1},"esc":"line\nbreak \"quoted\" \\ \/ \u00e9 é \u2028 \u0001","n":[1.50,-0,1e2,1e400,[{"9":1,"x":{}}]],
         "":"","nested":{"deep":{"deeper":[true,false,null,"x"]}}}
        """;

    /// <summary>
    /// An object past the size at which members are found by an index, and past the size whose names the writer checks
    /// on the stack, ending with <paramref name="tail"/>: a name written with escapes, a plain duplicate, or nothing.
    /// </summary>
    private static string ManyMembers(string tail) =>
        "{" + string.Join(",", Enumerable.Range(0, 200).Select(i => $"\"m{i}\":{(i % 3 == 0 ? $"{{\"v\":{i}}}" : i % 3 == 1 ? "null" : $"\"{i}\"")}")) + tail + "}";
}
