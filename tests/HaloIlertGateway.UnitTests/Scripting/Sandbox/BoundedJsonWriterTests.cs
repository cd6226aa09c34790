using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using Jint;
using Jint.Native;

namespace HaloIlertGateway.UnitTests.Scripting.Sandbox;

/// <summary>The gateway's JSON.stringify writes what Jint's own does, byte for byte, and stops at its limit as it writes.</summary>
public sealed class BoundedJsonWriterTests
{
    [Theory]
    [InlineData("({ a: 1, b: 'x', c: [1, 'two', null, true, false], d: { e: {} }, f: [] })")]
    [InlineData("({ u: undefined, f() {}, s: Symbol('x'), arr: [undefined, function () {}, Symbol('y')] })")]
    [InlineData("({ n: -0, nan: NaN, inf: -Infinity, big: 1e21, small: 1e-7, frac: 0.1 + 0.2, int: 12345678901234567 })")]
    [InlineData("({ text: 'quote \" back \\\\ nl \\n cr \\r tab \\t bs \\b ff \\f nul \\u0000 us \\u001f del \\u007f é 😀', lone: '\\ud800x\\udc00' })")]
    [InlineData("({ 2: 'b', 1: 'a', z: 1, y: 2, [Symbol('s')]: 3 })")]
    [InlineData("({ d: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), w: [new Number(3), new String('s'), new Boolean(false)] })")]
    [InlineData("({ toJSON(key) { return { key, inner: { toJSON() { return 'x'; } } }; } })")]
    [InlineData("Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false })")]
    [InlineData("Object.create({ inherited: 1 }, { own: { value: 2, enumerable: true } })")]
    [InlineData("'just a string'")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("undefined")]
    [InlineData("(function () {})")]
    [InlineData("[[[]], {}, [{}], { a: [] }]")]
    public void ItWritesWhatJsonStringifyWrites(string expression)
    {
        foreach (var (replacer, space) in ReplacersAndSpaces)
        {
            var engine = new Engine();
            var value = engine.Evaluate(expression);
            var replacerValue = engine.Evaluate(replacer);
            var spaceValue = engine.Evaluate(space);
            var expected = engine.Evaluate("(v, r, s) => JSON.stringify(v, r, s)").Call(value, replacerValue, spaceValue);

            var actual = new BoundedJsonWriter(engine, 1_000_000, "test").Write(value, replacerValue, spaceValue);

            Assert.Equal(expected.IsUndefined() ? null : expected.AsString(), actual);
            if (replacer == "undefined" && space == "undefined")
            {
                var utf8 = new BoundedJsonWriter(engine, 1_000_000, "test", new System.Text.StringBuilder("left over")).WriteUtf8(value, PropertyNames.IntegrationKey, PropertyNames.AlertKey, out _);
                Assert.Equal(actual is null ? null : System.Text.Encoding.UTF8.GetBytes(actual), utf8);
            }
        }
    }

    /// <summary>
    /// An earlier member's <c>toJSON</c> changes the members after it while the object is written. As the spec has it,
    /// the names are settled before the first value is written, and each is then read as <c>value[key]</c>: for a
    /// literal's object (a hidden class until changed) and for one already made otherwise (the getter first).
    /// </summary>
    [Theory]
    [InlineData("", "delete o.b; o.late = 1;")]
    [InlineData("", "Object.defineProperty(o, 'b', { enumerable: false });")]
    [InlineData("", "Object.defineProperty(o, 'b', { get() { return 'got'; } });")]
    [InlineData("", "delete o.b; Object.prototype.b = 'inherited';")]
    [InlineData("get g() { return 0; }, ", "delete o.b; o.late = 1;")]
    [InlineData("get g() { return 0; }, ", "Object.defineProperty(o, 'b', { enumerable: false });")]
    [InlineData("get g() { return 0; }, ", "Object.defineProperty(o, 'b', { get() { return 'got'; } });")]
    public void AMemberChangedWhileItsObjectIsWrittenIsReadAsJsonStringifyReadsIt(string first, string change)
    {
        var expression = $"const o = {{ {first}a: {{ toJSON() {{ {change} return 1; }} }}, b: 2, c: 3 }}; return o;";
        var expected = new Engine().Evaluate($"JSON.stringify((() => {{ {expression} }})())").AsString();
        var engine = new Engine();

        var actual = new BoundedJsonWriter(engine, 1_000_000, "test").Write(engine.Evaluate($"(() => {{ {expression} }})()"), JsValue.Undefined, JsValue.Undefined);

        Assert.Equal(expected, actual);
    }

    private static readonly (string Replacer, string Space)[] ReplacersAndSpaces =
    [
        ("undefined", "undefined"), ("undefined", "2"), ("undefined", "'--'"), ("undefined", "'0123456789abc'"), ("undefined", "20"),
        ("undefined", "new Number(3)"), ("['a', 'b', 1, 'b', new String('c')]", "1"), ("(k, v) => typeof v === 'number' ? v * 2 : v", "undefined"),
        ("(k, v) => k === 'a' ? undefined : v", "'\\t'"),
    ];

    [Fact]
    public void ACycleIsATypeErrorAsInJsonStringify()
    {
        var engine = new Engine();
        var cycle = engine.Evaluate("const a = { b: {} }; a.b.a = a; a");

        var error = Assert.Throws<Jint.Runtime.JavaScriptException>(() => new BoundedJsonWriter(engine, 1_000_000, "test").Write(cycle, JsValue.Undefined, JsValue.Undefined));

        Assert.Contains("circular", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AnExponentiallySharedValueIsRefusedAtTheLimitNotAfterItIsBuilt()
    {
        var engine = new Engine();
        var shared = engine.Evaluate("let a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; for (let i = 0; i < 10; i++) a = [a, a, a, a, a, a, a, a, a, a]; a");
        var writer = new BoundedJsonWriter(engine, 100_000, "test");

        var error = Assert.Throws<SandboxLimitException>(() => writer.Write(shared, JsValue.Undefined, JsValue.Undefined));

        Assert.Equal("string-length", error.Limit);
        Assert.Equal(100_000, writer.Written.Length);
    }
}
