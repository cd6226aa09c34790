using System.Globalization;
using HaloIlertGateway.Scripting.Sandbox;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace HaloIlertGateway.Scripting.Helpers;

/// <summary>
/// <c>gw</c>: the work every PSA transform repeats, done in C# instead of being interpreted (docs/transforms.md "Helpers",
/// <c>transforms/gateway.d.ts</c>). One frozen object of frozen functions: a script can call them, not change them.
/// Each takes and returns plain JavaScript values and does only its own work; each refuses input beyond the sandbox's
/// string and array limits before doing any.
/// <para>
/// The global <c>gw</c> is writable, as <c>JSON</c> is: Jint remembers where it found a global name only when the
/// global is writable, and searches the scopes for any other at every read (0.4 µs a run of halopsa.js, which reads
/// <c>gw</c> a dozen times). It cannot be deleted or declared again (it is not configurable). A run that assigns it
/// does so for itself: <see cref="RestoreGlobal"/> puts the helpers back after every run.
/// </para>
/// </summary>
internal sealed class GatewayHelpers
{
    public const string GlobalName = "gw";

    /// <summary><c>{ id, name }</c>: built as a hidden-class object, as an object literal would be (no descriptor or dictionary per member).</summary>
    private static readonly JsObjectLayout RefLayout = new("id", "name");

    private static readonly JsString GlobalKey = new(GlobalName);

    private readonly Engine _engine;
    private readonly JsObject _gw;
    private readonly JsValue _objectCreate;
    private readonly JsValue _objectFreeze;
    private List<KeyValuePair<string, JsValue>>? _kept = [];
    private readonly int _maxString;
    private readonly int _maxArray;

    private GatewayHelpers(Engine engine, ScriptingOptions limits)
    {
        _engine = engine;
        _gw = new JsObject(engine);
        _objectCreate = engine.Intrinsics.Object.Get("create");
        _objectFreeze = engine.Intrinsics.Object.Get("freeze");
        _maxString = limits.MaxStringLength;
        _maxArray = limits.MaxArrayLength;
    }

    public static GatewayHelpers Install(Engine engine, ScriptingOptions limits)
    {
        var helpers = new GatewayHelpers(engine, limits);
        var gw = helpers._gw;
        Add("htmlToText", 1, (_, args) => helpers.Text("gw.htmlToText", args.At(0), HtmlText.ToText));
        Add("decodeEntities", 1, (_, args) => helpers.Text("gw.decodeEntities", args.At(0), HtmlEntities.Decode));
        Add("text", 1, (_, args) => helpers.Text("gw.text", args.At(0), JsWhiteSpace.Trim));
        Add("parseDate", 1, (_, args) => helpers.ParseDate(args.At(0)));
        Add("ref", 2, (_, args) => helpers.Ref(args.At(0), args.At(1)));
        Add("compact", 1, (_, args) => helpers.Compact(args.At(0)));
        Add("list", 3, (_, args) => helpers.List(args.At(0), args.At(1), TypeConverter.ToBoolean(args.At(2))));
        Add("keySet", 3, (_, args) => helpers.KeySet(args.At(0), args.At(1), TypeConverter.ToBoolean(args.At(2))));
        engine.Call(helpers._objectFreeze, gw);
        helpers.DefineGlobal();
        return helpers;

        void Add(string name, int length, Func<JsValue, JsValue[], JsValue> body)
        {
            var function = new ClrFunction(engine, name, body, length, PropertyFlag.Configurable);
            engine.Call(helpers._objectFreeze, function);
            gw.FastSetDataProperty(name, function);
        }
    }

    /// <summary>
    /// Makes the global <c>gw</c> the helpers again, if a script assigned it. False when it cannot: a script redefined it
    /// as read-only with something else in it, and the engine must not run another script.
    /// </summary>
    public bool RestoreGlobal() => IsGlobal || DefineGlobal();

    /// <summary>Whether the global <c>gw</c> is the helpers.</summary>
    public bool IsGlobal => ReferenceEquals(_engine.Global.GetOwnProperty(GlobalKey).Value, _gw);

    private bool DefineGlobal() =>
        _engine.Global.DefineOwnProperty(GlobalKey, new PropertyDescriptor(_gw, writable: true, enumerable: false, configurable: false));

    /// <summary>ISO-8601 UTC with milliseconds, or null: ISO 8601 with or without a zone (none is UTC), RFC 1123, epoch milliseconds.</summary>
    public static string? ParseDateValue(object? value)
    {
        DateTimeOffset? parsed = value switch
        {
            double ms when !double.IsNaN(ms) && Math.Abs(ms) <= 8.64e15 && ms >= -62135596800000 && ms <= 253402300799999 => DateTimeOffset.FromUnixTimeMilliseconds((long)ms),
            string text when DateTimeOffset.TryParse(JsWhiteSpace.Trim(text), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var when) => when,
            _ => null,
        };
        return parsed?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    private JsValue ParseDate(JsValue value)
    {
        return ParseDateValue(value.IsString() ? StringWithin("gw.parseDate", value.AsString()) : value.IsNumber() ? value.AsNumber() : null) is { } iso ? new JsString(iso) : JsValue.Null;
    }

    private JsValue Text(string what, JsValue value, Func<string, string> work)
    {
        if (value.IsNull() || value.IsUndefined())
        {
            return JsString.Empty;
        }

        var text = StringWithin(what, TypeConverter.ToString(value));
        var result = work(text);
        // Unchanged text is given back as the string value it came as (no new one per call).
        return ReferenceEquals(result, text) && value is JsString ? value : result;
    }

    /// <summary><c>{id, name}</c> as strings from a lookup object, or from a bare id (<paramref name="bareId"/>, else the value itself).</summary>
    private JsObject Ref(JsValue value, JsValue bareId) => value is ObjectInstance lookup
        ? JsObject.Create(_engine, RefLayout, [Text("gw.ref", lookup.Get(PropertyNames.Id), JsWhiteSpace.Trim), Text("gw.ref", lookup.Get(PropertyNames.Name), JsWhiteSpace.Trim)])
        : JsObject.Create(_engine, RefLayout, [Text("gw.ref", bareId.IsUndefined() ? value : bareId, JsWhiteSpace.Trim), JsString.Empty]);

    /// <summary>A new object of the own enumerable members of <paramref name="value"/> that are not null, undefined or "".</summary>
    private JsValue Compact(JsValue value)
    {
        if (value is not ObjectInstance source)
        {
            return value;
        }

        // The engine's buffer, taken while in use: a getter read below may run a script that calls compact again.
        var kept = _kept ?? [];
        _kept = null;
        foreach (var key in EnumerableOwnKeys.Of(source))
        {
            var member = source.Get(key);
            if (!member.IsNull() && !member.IsUndefined() && !(member.IsString() && member.AsString().Length == 0))
            {
                kept.Add(new(key.AsString(), member));
            }
        }

        var result = JsObject.CreateFromEntries(_engine, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept));
        kept.Clear();
        _kept = kept;
        return result;
    }

    /// <summary>
    /// A list setting: an array (each item as trimmed text, empty ones left out) or a comma-separated string (the same),
    /// else <paramref name="fallback"/> (as given). With <paramref name="lowerCase"/>, every item lower-cased, the
    /// fallback's too.
    /// </summary>
    private JsValue List(JsValue value, JsValue fallback, bool lowerCase)
    {
        var items = SettingItems("gw.list", value, lowerCase);
        if (items is null && (!lowerCase || fallback is not ObjectInstance given || !given.IsArray()))
        {
            return fallback.IsUndefined() ? new JsArray(_engine) : fallback;
        }

        items ??= FallbackItems("gw.list", (ObjectInstance)fallback, lowerCase);
        return new JsArray(_engine, [.. items.Select(item => (JsValue)item)]);
    }

    /// <summary>
    /// The items <see cref="List"/> gives (a fallback's as strings; a fallback that is not an array gives none) as the
    /// keys of a frozen object without a prototype: a script tests an item with <c>in</c>, an operator, where
    /// <c>indexOf</c> is a call. Every key's value is true.
    /// </summary>
    private ObjectInstance KeySet(JsValue value, JsValue fallback, bool lowerCase)
    {
        var items = SettingItems("gw.keySet", value, lowerCase)
            ?? (fallback is ObjectInstance given && given.IsArray() ? FallbackItems("gw.keySet", given, lowerCase) : []);
        var set = (ObjectInstance)_engine.Call(_objectCreate, JsValue.Null);
        foreach (var item in items)
        {
            // Without a prototype, "__proto__" is a key like any other.
            set.Set(item, JsBoolean.True);
        }

        _engine.Call(_objectFreeze, set);
        return set;
    }

    /// <summary>The items of a list setting (an array or a comma-separated string), trimmed, without empty ones; null when it is neither or blank.</summary>
    private string[]? SettingItems(string what, JsValue value, bool lowerCase)
    {
        IEnumerable<string> items;
        if (value is ObjectInstance array && array.IsArray())
        {
            var length = ArrayLength(what, array);
            items = Enumerable.Range(0, length).Select(i => Text(what, array.Get(i), JsWhiteSpace.Trim).AsString());
        }
        else if (value.IsString() && JsWhiteSpace.Trim(StringWithin(what, value.AsString())).Length > 0)
        {
            items = value.AsString().Split(',').Select(JsWhiteSpace.Trim);
        }
        else
        {
            return null;
        }

        return [.. items.Where(item => item.Length > 0).Select(item => lowerCase ? item.ToLowerInvariant() : item)];
    }

    /// <summary>A fallback's items as strings; with <paramref name="lowerCase"/> lower-cased, empty ones left out.</summary>
    private string[] FallbackItems(string what, ObjectInstance fallback, bool lowerCase)
    {
        var items = Enumerable.Range(0, ArrayLength(what, fallback)).Select(i => TypeConverter.ToString(fallback.Get(i)));
        return lowerCase ? [.. items.Where(item => item.Length > 0).Select(item => item.ToLowerInvariant())] : [.. items];
    }

    private int ArrayLength(string what, ObjectInstance array)
    {
        var length = TypeConverter.ToLength(array.Get(PropertyNames.Length));
        return length <= (ulong)_maxArray ? (int)length : throw SandboxLimitException.ArrayLength(what, (long)length, _maxArray);
    }

    private string StringWithin(string what, string text) =>
        text.Length <= _maxString ? text : throw SandboxLimitException.StringLength(what, text.Length, _maxString);
}
