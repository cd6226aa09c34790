using System.Text;
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

    /// <summary>
    /// The longest text <see cref="Parse"/> reads itself: at most about 1.5 MB allocated in one call (the UTF-8, the
    /// document, and an array of every value), where a webhook's embedded payload is a few kilobytes.
    /// </summary>
    internal const int LazyParseMaxLength = 64 * 1024;

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

    private void GuardStrings(ObjectInstance prototype)
    {
        GuardString(prototype, "repeat", (text, args) =>
        {
            var count = TypeConverter.ToIntegerOrInfinity(args.At(0));
            if (count is > 0 and < double.PositiveInfinity)
            {
                CheckString("repeat", text.Length * count);
            }
        });
        foreach (var name in (ReadOnlySpan<string>)["padStart", "padEnd"])
        {
            GuardString(prototype, name, (_, args) => CheckString(name, TypeConverter.ToIntegerOrInfinity(args.At(0))));
        }

        foreach (var name in (ReadOnlySpan<string>)["toUpperCase", "toLowerCase", "toLocaleUpperCase", "toLocaleLowerCase"])
        {
            // Case mapping makes at most three characters of one ('ﬃ' → "FFI").
            GuardString(prototype, name, (text, _) => CheckString(name, text.Length * 3.0));
        }

        GuardString(prototype, "normalize", (text, args) =>
        {
            // NFC/NFD expand a character to at most 3, NFKC/NFKD to at most 18 (U+FDFA).
            var compatibility = !args.At(0).IsUndefined() && TypeConverter.ToString(args.At(0)).StartsWith("NFK", StringComparison.Ordinal);
            CheckString("normalize", text.Length * (compatibility ? 18.0 : 3.0));
        });
        Replace(_engine, prototype, "concat", 1, Concat);
        foreach (var name in (ReadOnlySpan<string>)["replace", "replaceAll"])
        {
            var original = prototype.Get(name);
            Replace(_engine, prototype, name, 2, (self, args) => Replace(name, original, self, args));
        }
    }

    private void GuardArrays(ObjectInstance prototype)
    {
        Replace(_engine, prototype, "join", 1, (self, args) => Join(self, args.At(0), locale: false));
        Replace(_engine, prototype, "toLocaleString", 0, (self, _) => Join(self, JsValue.Undefined, locale: true));
        var flat = prototype.Get("flat");
        var map = prototype.Get("map");
        Replace(_engine, prototype, "flat", 0, (self, args) =>
        {
            CheckFlattened(self, args.At(0));
            return Call(flat, self, args);
        });
        Replace(_engine, prototype, "flatMap", 1, (self, args) =>
        {
            // map, then flat(1): the same result, with the size known before it is built.
            var mapped = Call(map, self, args);
            CheckFlattened(mapped, 1);
            return Call(flat, mapped, [1]);
        });
        Guard(prototype, "concat", (self, args) =>
        {
            var total = SpreadLength(self);
            foreach (var arg in args)
            {
                total += SpreadLength(arg);
            }

            return total > _maxArray ? throw SandboxLimitException.ArrayLength("concat", (long)total, _maxArray) : self;
        });
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

    private void CheckString(string what, double length)
    {
        if (length > _maxString)
        {
            throw SandboxLimitException.StringLength(what, (long)Math.Min(length, long.MaxValue), _maxString);
        }
    }

    private JsValue CheckEncoded(string what, JsValue self, JsValue value)
    {
        var text = TypeConverter.ToString(value);
        if (text.Length * 9L > _maxString)
        {
            // At most 9 characters for one (%XX%XX%XX); ASCII at most 3.
            long length = 0;
            foreach (var c in text)
            {
                length += c < 0x80 ? 3 : 9;
            }

            CheckString(what, length);
        }

        return self;
    }

    private JsValue Concat(JsValue self, JsValue[] args)
    {
        if (IsMissing(self))
        {
            throw new JavaScriptException(_engine.Intrinsics.TypeError, "String.prototype.concat called on null or undefined");
        }

        var builder = new StringBuilder(TypeConverter.ToString(self));
        foreach (var arg in args)
        {
            Append(builder, TypeConverter.ToString(arg), "concat");
        }

        return builder.ToString();
    }

    /// <summary>
    /// replace/replaceAll with a replacement string: the result is at most the input plus one replacement per match.
    /// When that bound is over the limit, a replacement without <c>$</c> patterns is counted as it is made; one with
    /// them (which can copy the whole input per match) is refused. A replacement function runs statements, which the
    /// engine's own limits see.
    /// </summary>
    private JsValue Replace(string name, JsValue original, JsValue self, JsValue[] args)
    {
        var replacement = args.At(1);
        if (IsMissing(self) || replacement.IsCallable())
        {
            return Call(original, self, args);
        }

        var text = Text(self);
        var with = TypeConverter.ToString(replacement);
        var patterns = with.Contains('$', StringComparison.Ordinal);
        var perMatch = patterns ? with.Length + (2.0 * text.Length) : with.Length;
        if (text.Length + ((text.Length + 1.0) * perMatch) <= _maxString)
        {
            return Call(original, text, [args.At(0), with]);
        }

        if (patterns)
        {
            throw SandboxLimitException.StringLength(name + " with $ patterns", (long)(text.Length + ((text.Length + 1.0) * perMatch)), _maxString);
        }

        long length = text.Length;
        var counter = new ClrFunction(_engine, "replacer", (_, _) =>
        {
            length += with.Length;
            CheckString(name, length);
            return with;
        });
        return Call(original, text, [args.At(0), counter]);
    }

    private static bool IsMissing(JsValue value) => value.IsNull() || value.IsUndefined();

    /// <summary>ToObject: <c>Object(value)</c>; a primitive becomes its wrapper. Null and undefined throw the TypeError.</summary>
    private ObjectInstance ToObject(JsValue value) =>
        IsMissing(value)
            ? throw new JavaScriptException(_engine.Intrinsics.TypeError, "Cannot convert undefined or null to object")
            : value as ObjectInstance ?? Call(_engine.Intrinsics.Object, JsValue.Undefined, [value]).AsObject();

    private static double SpreadLength(JsValue value) => value.IsArray() ? LengthOf(value.AsObject()) : 1;

    private static double LengthOf(ObjectInstance array) => TypeConverter.ToLength(array.Get(PropertyNames.Length));

    /// <summary>
    /// <c>JSON.parse</c> of a string without a reviver, read the way a JSON request body is: parsed by System.Text.Json
    /// and made into script values where the script reads them (<see cref="LazyJsonObject"/>, which answers every probe
    /// as the object <c>JSON.parse</c> gives). Jint's own parser allocates over 13 KB in this sandbox even for a text of
    /// 27 characters, and takes about four times as long (bench/RESULTS.md).
    /// Anything else (a reviver, a value that is not a string, a text that is not JSON, too deep, or holds a lone
    /// surrogate) goes to Jint's parser, which gives the language's answer or its <c>SyntaxError</c>. So does a text
    /// longer than <see cref="LazyParseMaxLength"/>: Jint's parser checks the memory limit as it goes, while this one
    /// allocates the whole document (and any array in it) in one call, before the next check.
    /// </summary>
    private JsValue Parse(JsValue original, JsValue self, JsValue[] args)
    {
        if (args.At(0) is JsString { Length: <= LazyParseMaxLength } text && !args.At(1).IsCallable() && JsonText.TryParse(text.ToString(), _maxJsonDepth) is { } parsed)
        {
            _parses.Add(parsed);
            return LazyJsonObject.ToJs(_engine, parsed);
        }

        return Call(original, self, args);
    }

    private JsValue Stringify(JsValue[] args) =>
        new BoundedJsonWriter(_engine, _maxString, "JSON.stringify's result").Write(args.At(0), args.At(1), args.At(2)) is { } json ? json : JsValue.Undefined;
}
