using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// <c>JSON.stringify</c> as ECMA-262 defines it (toJSON, replacer function or list, gap, cycles as a TypeError, lone
/// surrogates escaped), written straight into a buffer that refuses to grow past a limit. Jint's own serializer
/// builds the whole document before it can be measured, so a ten-level shared array (10^10 elements from a few
/// hundred bytes) ran for half a minute and gigabytes; here the limit is met as the document is written. Nesting is
/// checked against the real stack, like the engine's own stack guard. Used for <c>JSON.stringify</c>, the body a
/// script returns and objects given to <c>context.log</c>. Each write starts afresh, so an engine keeps one for the
/// bodies its runs return; a write must not be begun while another on the same instance is under way.
/// </summary>
internal sealed partial class BoundedJsonWriter(Engine engine, int limit, string what, StringBuilder? output = null)
{
    private readonly StringBuilder _out = output ?? new StringBuilder();
    private readonly List<ObjectInstance> _stack = [];
    private JsValue _replacer = JsValue.Undefined;
    private List<JsValue>? _propertyList;
    private string _gap = string.Empty;
    private string _indent = string.Empty;
    /// <summary>The object whose top-level string members <see cref="WriteUtf8(JsValue, JsString, JsString, out ValueTuple{string?, string?}?)"/> reads as it writes them, while it still may.</summary>
    private ObjectInstance? _topLevel;
    private (JsString First, JsString Second) _topLevelNames;
    private (string? First, string? Second)? _topLevelStrings;

    /// <summary>The characters the writer's buffer holds room for (it keeps its room from write to write).</summary>
    public int Capacity => _out.Capacity;

    /// <summary>What was written so far: after a <see cref="SandboxLimitException"/>, the first <c>limit</c> characters.</summary>
    public string Written => _out.ToString();

    /// <summary>The JSON text of <paramref name="value"/>, or null where <c>JSON.stringify</c> gives undefined.</summary>
    public string? Write(JsValue value, JsValue replacer, JsValue space) => Serialize(value, replacer, space) ? _out.ToString() : null;

    /// <summary>
    /// The JSON of <paramref name="value"/> as UTF-8 (without making a string first), or null where it is undefined; and
    /// its top-level string members named <paramref name="first"/> and <paramref name="second"/> as written, when
    /// <paramref name="value"/> is an object with no <c>toJSON</c> whose members are all enumerable data (no getter):
    /// else <paramref name="topLevel"/> is null, and the caller asks the object itself.
    /// </summary>
    public byte[]? WriteUtf8(JsValue value, JsString first, JsString second, out (string? First, string? Second)? topLevel)
    {
        (_topLevel, _topLevelNames, _topLevelStrings) = (value as ObjectInstance, (first, second), null);
        try
        {
            topLevel = null;
            if (!Serialize(value, JsValue.Undefined, JsValue.Undefined))
            {
                return null;
            }

            topLevel = _topLevelStrings;
        }
        finally
        {
            (_topLevel, _topLevelStrings) = (null, null);
        }

        var chunks = _out.GetChunks();
        if (chunks.MoveNext() && chunks.Current.Length == _out.Length)
        {
            // The usual case: one chunk (the engine's builder is reused run after run).
            var text = chunks.Current.Span;
            var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
            Encoding.UTF8.GetBytes(text, bytes);
            return bytes;
        }

        return Encoding.UTF8.GetBytes(_out.ToString());
    }

    private bool Serialize(JsValue value, JsValue replacer, JsValue space)
    {
        // Whatever an earlier write left (one a limit or a cycle stopped half-way included) is gone.
        _out.Clear();
        _stack.Clear();
        (_replacer, _propertyList, _gap, _indent) = (JsValue.Undefined, null, string.Empty, string.Empty);
        ReadReplacer(replacer);
        ReadGap(space);
        if (_replacer.IsUndefined())
        {
            // Only a replacer function is ever shown the wrapper object ({"": value}): without one, none is made.
            return WriteValue(JsString.Empty, value, holder: null);
        }

        var holder = new JsObject(engine);
        holder.FastSetDataProperty(string.Empty, value);
        return WriteProperty(JsString.Empty, holder);
    }

    /// <summary>SerializeJSONProperty: writes the value of <paramref name="key"/> in <paramref name="holder"/>; false when it is undefined (nothing written).</summary>
    private bool WriteProperty(JsValue key, ObjectInstance holder) => WriteValue(key, holder.Get(key), holder);

    /// <summary>The rest of SerializeJSONProperty, for a value already read from <paramref name="holder"/>.</summary>
    private bool WriteValue(JsValue key, JsValue value, ObjectInstance? holder)
    {
        if (TryWriteUntouched(value))
        {
            return true;
        }

        if (value is ObjectInstance candidate && candidate.Get(PropertyNames.ToJson) is var toJson && !toJson.IsUndefined())
        {
            if (ReferenceEquals(candidate, _topLevel))
            {
                _topLevel = null;
            }

            if (toJson.IsCallable())
            {
                value = SandboxBuiltins.Call(toJson, value, [key]);
            }
        }

        if (!_replacer.IsUndefined())
        {
            value = SandboxBuiltins.Call(_replacer, holder!, [key, value]);
        }

        if (IsWrapper(value, "NumberInstance"))
        {
            value = TypeConverter.ToNumber(value);
        }
        else if (IsWrapper(value, "StringInstance"))
        {
            value = TypeConverter.ToString(value);
        }
        else if (IsWrapper(value, "BooleanInstance"))
        {
            value = TypeConverter.ToPrimitive(value);
        }

        switch (value)
        {
            case { } when value.IsNull():
                Append("null");
                return true;
            case JsBoolean boolean:
                Append(TypeConverter.ToBoolean(boolean) ? "true" : "false");
                return true;
            case JsString text:
                Quote(text.ToString());
                return true;
            case JsNumber number:
                var n = number.AsNumber();
                Append(double.IsFinite(n) ? TypeConverter.ToString(number) : "null");
                return true;
            case ObjectInstance obj when !obj.IsCallable():
                if (obj.IsArray())
                {
                    WriteArray(obj);
                }
                else
                {
                    WriteObject(obj);
                }

                return true;
            default:
                return false;
        }
    }

    private void WriteObject(ObjectInstance obj)
    {
        var stepback = Enter(obj);
        Append("{");
        var any = false;
        // With a property list (the replacer's) every listed name; without, the own enumerable members.
        var allData = false;
        var keys = _propertyList ?? EnumerableOwnKeys.Of(obj, out allData);
        var topLevel = allData && ReferenceEquals(obj, _topLevel);
        if (topLevel)
        {
            _topLevelStrings = (null, null);
        }

        foreach (var key in keys)
        {
            var value = obj.Get(key);
            if (topLevel && value is JsString text)
            {
                ReadTopLevel(key, text);
            }

            var mark = _out.Length;
            Separate(any);
            Quote(key.ToString());
            Append(_gap.Length == 0 ? ":" : ": ");
            if (WriteValue(key, value, obj))
            {
                any = true;
            }
            else
            {
                _out.Length = mark;
            }
        }

        Leave(any, stepback);
        Append("}");
    }

    private void ReadTopLevel(JsValue key, JsString value)
    {
        var (first, second) = _topLevelStrings!.Value;
        if (key.Equals(_topLevelNames.First))
        {
            first = value.ToString();
        }
        else if (key.Equals(_topLevelNames.Second))
        {
            second = value.ToString();
        }

        _topLevelStrings = (first, second);
    }

    private void WriteArray(ObjectInstance array)
    {
        var stepback = Enter(array);
        Append("[");
        var length = LengthOf(array);
        for (var index = 0; index < length; index++)
        {
            Separate(index > 0);
            if (!WriteProperty(index, array))
            {
                Append("null");
            }
        }

        Leave(length > 0, stepback);
        Append("]");
    }

    private int LengthOf(ObjectInstance array)
    {
        var length = TypeConverter.ToLength(array.Get(PropertyNames.Length));
        return length > (ulong)limit ? throw new SandboxLimitException("string-length", $"{what} would be longer than {limit} characters") : (int)length;
    }

    /// <summary>Jint keeps its primitive wrappers internal; their type names are what identify them (pinned by the serializer tests).</summary>
    private static bool IsWrapper(JsValue value, string typeName) => value is ObjectInstance && value.GetType().Name == typeName;
}
