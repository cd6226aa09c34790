using System.Collections.Frozen;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace HaloIlertGateway.Scripting.Settings;

/// <summary>
/// <c>context.settings</c> in one engine, made once per settings change and route, and frozen so that no run can change
/// what the next one sees. For a script with a declaration: each declared setting parsed (<see cref="SettingsParser"/>),
/// a list as a frozen array of text with <c>has(item)</c> (in any case where declared so), a pattern as a
/// <c>RegExp</c>, a map as an object without a prototype. For a script without one: the configuration as it is
/// (text, arrays, objects), as before declarations existed.
/// </summary>
internal sealed class ScriptSettings(Engine engine, JsonParser parser, SettingsDeclaration? declaration)
{
    /// <summary>How many routes' settings one engine keeps made at once; past it they are made again as needed.</summary>
    private const int MaxRoutes = 32;

    private static readonly JsString HasKey = new("has");

    private readonly JsValue _freeze = engine.Intrinsics.Object.Get("freeze");
    private readonly JsValue _create = engine.Intrinsics.Object.Get("create");
    private readonly Dictionary<string, (byte[] Json, JsValue Settings)> _byRoute = new(StringComparer.Ordinal);
    private byte[] _json = [];
    private string _route = string.Empty;
    private JsValue? _settings;

    /// <summary>The settings <paramref name="route"/> runs with, as <paramref name="json"/> gives them (the same object while they do not change).</summary>
    public JsValue For(ReadOnlySpan<byte> json, string route)
    {
        // A script without a declaration sees the same settings whatever the route; one with a declaration may not ({route}).
        if (_settings is not null && (declaration is null || string.Equals(route, _route, StringComparison.Ordinal)) && json.SequenceEqual(_json))
        {
            return _settings;
        }

        if (declaration is not null && _byRoute.TryGetValue(route, out var made) && json.SequenceEqual(made.Json))
        {
            (_settings, _json, _route) = (made.Settings, made.Json, route);
            return made.Settings;
        }

        var settings = declaration is null ? Raw(json) : Declared(declaration, json, route);
        (_settings, _json, _route) = (settings, json.ToArray(), route);
        if (declaration is not null)
        {
            if (_byRoute.Count >= MaxRoutes)
            {
                _byRoute.Clear();
            }

            _byRoute[route] = (_json, settings);
        }

        return settings;
    }

    private JsValue Raw(ReadOnlySpan<byte> json)
    {
        var settings = json.IsEmpty ? new JsObject(engine) : parser.Parse(json);
        FreezeDeep(settings);
        return settings;
    }

    private JsObject Declared(SettingsDeclaration declared, ReadOnlySpan<byte> json, string route)
    {
        var values = SettingsParser.Parse(declared, json, route, out var problems);
        if (problems.Count > 0)
        {
            throw new TransformContractException(
                $"the settings of route '{route}' do not fit the script's declaration: {string.Join("; ", problems.Select(problem => $"{problem.Setting}: {problem.Reason}"))}");
        }

        var settings = new JsObject(engine);
        foreach (var value in values)
        {
            settings.FastSetDataProperty(value.Declaration.Name, ToJs(value));
        }

        return Freeze(settings);
    }

    private JsValue ToJs(SettingValue value) => value.Declaration.Kind switch
    {
        SettingKind.List => List(value.Items, value.Declaration.AnyCase),
        SettingKind.Pattern => Freeze(engine.Intrinsics.RegExp.Construct([new JsString(value.Text), new JsString(value.Declaration.AnyCase ? "i" : string.Empty)], engine.Intrinsics.RegExp)),
        SettingKind.Map => Map(value.Entries),
        _ => new JsString(value.Text),
    };

    /// <summary>A frozen array of the items, with <c>has(item)</c>: whether it holds the text (or number) <c>item</c>, in any case when <paramref name="anyCase"/>.</summary>
    private JsArray List(IReadOnlyList<string> items, bool anyCase)
    {
        var array = new JsArray(engine, [.. items.Select(item => (JsValue)new JsString(item))]);
        var set = items.ToFrozenSet(anyCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        var has = new ClrFunction(engine, "has", (_, args) => Has(set, args.At(0)), 1, PropertyFlag.Configurable);
        Freeze(has);
        array.DefineOwnProperty(HasKey, new PropertyDescriptor(has, writable: false, enumerable: false, configurable: false));
        return Freeze(array);
    }

    private static JsBoolean Has(FrozenSet<string> items, JsValue item) =>
        (item.IsString() ? items.Contains(item.AsString()) : item.IsNumber() && items.Contains(TypeConverter.ToString(item))) ? JsBoolean.True : JsBoolean.False;

    /// <summary>An object without a prototype, so that only its own entries are found (<c>names["constructor"]</c> is undefined).</summary>
    private ObjectInstance Map(IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var map = (ObjectInstance)engine.Call(_create, JsValue.Null);
        foreach (var (key, text) in entries)
        {
            map.FastSetDataProperty(key, new JsString(text));
        }

        return Freeze(map);
    }

    private T Freeze<T>(T value) where T : JsValue
    {
        engine.Call(_freeze, value);
        return value;
    }

    private void FreezeDeep(JsValue value)
    {
        if (value is ObjectInstance obj)
        {
            foreach (var key in obj.GetOwnPropertyKeys(Types.String))
            {
                FreezeDeep(obj.Get(key));
            }

            engine.Call(_freeze, obj);
        }
    }
}
