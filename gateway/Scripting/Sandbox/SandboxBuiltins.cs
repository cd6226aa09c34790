using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// Makes an engine's built-ins safe to call with hostile arguments. Jint checks its limits between statements (and
/// inside some bulk operations), so one call such as <c>"a".repeat(2**28)</c>, <c>String()</c> of a ten-level shared
/// array or <c>JSON.stringify</c> of one could allocate gigabytes or run for minutes before any check. Here:
/// <list type="bullet">
/// <item>built-ins whose output can be far larger than their input are replaced by versions that compute (or bound)
/// the size first and refuse with a <see cref="SandboxLimitException"/> before doing the work;</item>
/// <item>built-ins a transform has no use for and that cannot be bounded from outside (BigInt arithmetic is an
/// operator, not a call; typed arrays allocate their whole buffer at once) are removed, with ShadowRealm and
/// Temporal.</item>
/// </list>
/// <c>JSON.parse</c> is also replaced, for cost rather than safety: see <see cref="Parse"/>.
/// One instance per engine (it holds the engine's cycle set for <c>join</c>); not thread-safe, like the engine.
/// </summary>
internal sealed partial class SandboxBuiltins
{
    /// <summary>Globals deleted from every engine. <see cref="TransformSyntaxCheck"/> refuses BigInt literals to match.</summary>
    public static readonly IReadOnlyList<string> RemovedGlobals =
    [
        "BigInt", "BigInt64Array", "BigUint64Array", "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "TypedArray",
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
        "Float16Array", "Float32Array", "Float64Array", "ShadowRealm", "Temporal",
    ];

    private readonly Engine _engine;
    private readonly int _maxString;
    private readonly int _maxArray;
    private readonly int _maxJsonDepth;
    private readonly HashSet<ObjectInstance> _joining = new(ReferenceEqualityComparer.Instance);
    /// <summary>The parses <see cref="Parse"/> made since <see cref="ReleaseParses"/>, given back when the run ends.</summary>
    private readonly List<ParsedJson> _parses = [];

    private SandboxBuiltins(Engine engine, ScriptingOptions limits)
    {
        _engine = engine;
        _maxString = limits.MaxStringLength;
        _maxArray = limits.MaxArrayLength;
        _maxJsonDepth = limits.MaxJsonDepth;
    }

    /// <summary>Installs the sandbox's built-ins in <paramref name="engine"/>; the engine calls <see cref="ReleaseParses"/> after each run.</summary>
    public static SandboxBuiltins Install(Engine engine, ScriptingOptions limits)
    {
        var builtins = new SandboxBuiltins(engine, limits);
        foreach (var name in RemovedGlobals)
        {
            engine.Global.Delete(name);
        }

        builtins.GuardStrings(Prototype(engine, "String"));
        builtins.GuardArrays(Prototype(engine, "Array"));
        var json = engine.Global.Get("JSON").AsObject();
        Replace(engine, json, "stringify", 3, (_, args) => builtins.Stringify(args));
        var parse = json.Get("parse");
        Replace(engine, json, "parse", 2, (self, args) => builtins.Parse(parse, self, args));
        foreach (var name in (ReadOnlySpan<string>)["encodeURI", "encodeURIComponent", "escape"])
        {
            builtins.Guard(engine.Global, name, (self, args) => builtins.CheckEncoded(name, self, args.At(0)));
        }

        return builtins;
    }

    /// <summary>Gives back to the pool what <c>JSON.parse</c> parsed: a value the script kept reads its text again (<see cref="ParsedJson"/>).</summary>
    public void ReleaseParses()
    {
        foreach (var parsed in _parses)
        {
            parsed.Release();
        }

        _parses.Clear();
    }

    /// <summary>
    /// Replaces <paramref name="name"/> by a function that runs <paramref name="check"/> (which throws to refuse) and
    /// then the original, with the <c>this</c> the check returns.
    /// </summary>
    private void Guard(ObjectInstance target, string name, Func<JsValue, JsValue[], JsValue> check)
    {
        var original = target.Get(name);
        var length = (int)TypeConverter.ToNumber(original.AsObject().Get("length"));
        Replace(_engine, target, name, length, (self, args) => Call(original, check(self, args), args));
    }

    /// <summary>A guard for a <c>String.prototype</c> method: the check sees <c>this</c> as a string, which is passed on, so a <c>toString</c> runs once.</summary>
    private void GuardString(ObjectInstance prototype, string name, Action<JsString, JsValue[]> check) =>
        Guard(prototype, name, (self, args) =>
        {
            if (IsMissing(self))
            {
                // The original throws the TypeError the language defines.
                return self;
            }

            var text = Text(self);
            check(text, args);
            return text;
        });

    private static void Replace(Engine engine, ObjectInstance target, string name, int length, Func<JsValue, JsValue[], JsValue> body) =>
        target.FastSetProperty(name, new PropertyDescriptor(new ClrFunction(engine, name, body, length), writable: true, enumerable: false, configurable: true));

    private static ObjectInstance Prototype(Engine engine, string constructor) =>
        engine.Global.Get(constructor).AsObject().Get("prototype").AsObject();

    /// <summary>Calls a function value directly (not through Engine.Call, which would reset the run's constraints).</summary>
    internal static JsValue Call(JsValue function, JsValue self, JsValue[] args) =>
        ((Jint.Native.Function.Function)function).Call(self, args);

    private static JsString Text(JsValue self) => self as JsString ?? new JsString(TypeConverter.ToString(self));

    private static bool IsMissing(JsValue value) => value.IsNull() || value.IsUndefined();

    /// <summary>ToObject: <c>Object(value)</c>; a primitive becomes its wrapper. Null and undefined throw the TypeError.</summary>
    private ObjectInstance ToObject(JsValue value) =>
        IsMissing(value)
            ? throw new JavaScriptException(_engine.Intrinsics.TypeError, "Cannot convert undefined or null to object")
            : value as ObjectInstance ?? Call(_engine.Intrinsics.Object, JsValue.Undefined, [value]).AsObject();
}
