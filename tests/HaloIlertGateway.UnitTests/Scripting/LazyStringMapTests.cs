using System.Collections.ObjectModel;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using Jint;
using Jint.Native;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>
/// The request's headers, query and params are read lazily, and to a script are the object of strings they were
/// before (<see cref="JsObject.CreateFromEntries(Engine, ReadOnlySpan{KeyValuePair{string, JsValue}})"/>): every probe
/// runs once on each, in an engine of its own, and must answer the same.
/// </summary>
public sealed class LazyStringMapTests
{
    public static readonly TheoryData<string> Maps = new() { "headers", "query", "read-only" };

    private static readonly string[] Probes =
    [
        "JSON.stringify(m)",
        "JSON.stringify(Object.keys(m)) + Object.getOwnPropertyNames(m).length",
        "m['content-type'] + ':' + m['Content-Type'] + ':' + m.host + ':' + m[''] + ':' + m[2] + ':' + m['10'] + ':' + m.__proto__ + ':' + m.constructor",
        "m.q11 + ':' + m.Q11 + ':' + m.q0 + ':' + m.missing + ':' + m.été + ('q5' in m) + m.hasOwnProperty('host') + m.hasOwnProperty('toString')",
        "`${m}` + typeof m + Array.isArray(m) + (Object.getPrototypeOf(m) === Object.prototype) + m[Symbol.iterator]",
        "{ const out = []; for (const k in m) { out.push(k + '=' + m[k]); } return out.join(); }",
        "JSON.stringify({ ...m, x: '1' }) + JSON.stringify(Object.assign({}, m)) + JSON.stringify(Object.entries(m))",
        "{ m.host = 'changed'; m.added = 'new'; return JSON.stringify(m) + Object.keys(m).indexOf('added'); }",
        "{ delete m.host; delete m['2']; return JSON.stringify(m) + ('host' in m); }",
        "{ Object.freeze(m); try { m.host = 'x'; return 'no throw'; } catch (e) { return e.constructor.name + Object.isFrozen(m); } }",
        "{ Object.defineProperty(m, 'host', { value: 'hidden', enumerable: false }); return JSON.stringify(m) + m.host; }",
        "{ Object.setPrototypeOf(m, { inherited: 'yes' }); return m.inherited + ':' + Object.keys(m).length; }",
        "{ Object.preventExtensions(m); m.later = '1'; return m.later === undefined; }",
        "{ const { host, ...rest } = m; return host + JSON.stringify(rest); }",
        "JSON.stringify(Object.getOwnPropertyDescriptor(m, 'host')) + JSON.stringify(Object.getOwnPropertyDescriptor(m, 'nope'))",
    ];

    [Theory]
    [MemberData(nameof(Maps))]
    public void EveryProbeAnswersAsOnTheObjectOfStringsItWas(string map)
    {
        var source = Source(map);

        var differences = ProbeDifferential.Differences(Probes, "m",
            ("eager", engine => JsObject.CreateFromEntries(engine, source.Select(entry => new KeyValuePair<string, JsValue>(entry.Key, entry.Value)))),
            ("lazy", engine => new LazyStringMap(engine, source)));

        Assert.True(differences.Length == 0, differences);
    }

    [Theory]
    [InlineData("m.host; m['content-type']; m.missing; JSON.stringify(m.q0); m.host = m.host;", false)]
    [InlineData("", true)]
    [InlineData("m.host;", true)]
    [InlineData("m.host = 'other';", false)]
    [InlineData("m.added = 'new';", false)]
    [InlineData("delete m.missing;", false)]
    [InlineData("Object.keys(m);", false)]
    [InlineData("Object.freeze(m);", false)]
    public void OnlyAMapTheScriptReadByNameIsAnUntouchedView(string script, bool untouched)
    {
        using var engine = new Engine(options => options.Strict());
        var source = Source("headers");
        var view = new LazyStringMap(engine, source);

        engine.Invoke(engine.Evaluate($"(m) => {{ {script} }}"), view);

        Assert.Equal(untouched, view.IsUntouchedView(source));
        Assert.False(view.IsUntouchedView(new Dictionary<string, string>(source)));
    }

    [Fact]
    public void HeadersAScriptLeavesAreForwardedAsTheyCameAndOnesItSetsAreChecked()
    {
        var (request, context) = Request();
        var runner = new TransformRunner(Microsoft.Extensions.Options.Options.Create(new ScriptingOptions()));

        var untouched = Run(runner, "request.path = '/api/events'; request.headers['content-type']; return request;", request, context);
        var set = Run(runner, "request.headers['x-note'] = 'set'; return request;", request, context);
        var refused = runner.Run(Compile("request.headers['x-note'] = 'a\\r\\nb'; return request;"), request, context);

        Assert.Equal(request.Headers.OrderBy(h => h.Key), untouched.Headers.OrderBy(h => h.Key));
        Assert.Equal(request.Query, untouched.Query);
        Assert.Equal("set", set.Headers["x-note"]);
        Assert.Equal(request.Headers.Count + 1, set.Headers.Count);
        Assert.IsType<TransformOutcome.Fail>(refused);
    }

    private static OutgoingRequest Run(TransformRunner runner, string body, IncomingRequest request, TransformContext context) =>
        Assert.IsType<TransformOutcome.Forward>(runner.Run(Compile(body), request, context)).Request;

    private static CompiledTransform Compile(string body) => CompiledTransform.Compile("t", "t.js",
        $"function transform(request, context) {{ {body} }}", JintSandbox.Create(new ScriptingOptions()), DateTimeOffset.UtcNow);

    private static (IncomingRequest, TransformContext) Request()
    {
        var parameters = new Dictionary<string, string> { ["integrationKey"] = "il1hps-test" };
        var request = new IncomingRequest("POST", "/api/v1/events/halopsa/il1hps-test", new Dictionary<string, string> { ["region"] = "eu" },
            Source("headers"), parameters, TransformBody.Json("""{"ticket":{"id":1}}"""u8.ToArray()));
        return (request, new TransformContext("halopsa", DateTimeOffset.UtcNow, ReadOnlyMemory<byte>.Empty, TransformContract.SecretParams(parameters)));
    }

    /// <summary>
    /// Headers as the reader makes them (lower-case names, a map that ignores case, more than are walked), a query large enough to be read
    /// by its own lookup (index-like, empty, inherited and non-ASCII names), and a map that is not a Dictionary.
    /// </summary>
    private static IReadOnlyDictionary<string, string> Source(string map) => map switch
    {
        "headers" => new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = "gateway", ["content-type"] = "application/json", ["x-forwarded-for"] = "203.0.113.9", ["accept"] = "*/*",
            ["user-agent"] = "HaloPSA", ["content-length"] = "20", ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["x-request-id"] = "r1", ["accept-encoding"] = "gzip", ["connection"] = "keep-alive",
        },
        "query" => Query(),
        _ => new ReadOnlyDictionary<string, string>(Query()),
    };

    private static Dictionary<string, string> Query()
    {
        var query = Enumerable.Range(0, 12).ToDictionary(i => $"q{i}", i => $"v{i}", StringComparer.Ordinal);
        foreach (var (name, value) in new[] { ("10", "ten"), ("2", "two"), ("", "empty"), ("__proto__", "proto"), ("constructor", "c"), ("été", "summer"), ("host", "h") })
        {
            query[name] = value;
        }

        return query;
    }
}
