using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Jint;
using Jint.Native;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// A JSON object as a script sees it, read from its parsed JSON only where the script reads it. A transform reads a
/// dozen members of a body of dozens; what it never reads is never made into script values.
/// <para>
/// It is the object <c>JSON.parse</c> would give, as far as a script can tell (<see cref="LazyObject"/>): reading a
/// member by name reads the JSON (the last of duplicate names wins), and reads it once (an object or array read twice
/// is the same value).
/// </para>
/// <para>
/// The parsed JSON is a run's <see cref="ParsedJson"/>, given back to the pool when the run ends. A script may keep the
/// body past its run (in a top-level variable): an object read after that parses its own text again, once, into a
/// document of its own that is never given back.
/// </para>
/// </summary>
internal sealed class LazyJsonObject : LazyObject
{
    private JsonElement _json;
    /// <summary>The run's parse <see cref="_json"/> is in, until the object reads a document of its own; null for a document never given back.</summary>
    private ParsedJson? _source;
    /// <summary>Where the object's text is in <see cref="ParsedJson.Utf8"/>, to parse it again once the run's parse is given back.</summary>
    private readonly int _offset;
    private readonly int _length;
    /// <summary>Room for this many members read, at first (a transform reads a dozen members of its body's largest object).</summary>
    private const int ReadFirst = 16;

    /// <summary>The members read so far, in the order read: the value made of each is the one every later read gives.</summary>
    private ReadMember[]? _read;
    private int _readCount;

    private LazyJsonObject(Engine engine, JsonElement json, ParsedJson? source)
        : base(engine)
    {
        _json = json;
        if (source is not null)
        {
            _source = source;
            var text = JsonMarshal.GetRawUtf8Value(json);
            _offset = (int)System.Runtime.CompilerServices.Unsafe.ByteOffset(ref MemoryMarshal.GetReference(source.Utf8.Span), ref MemoryMarshal.GetReference(text));
            _length = text.Length;
        }
    }

    /// <summary>
    /// <paramref name="utf8"/> (JSON, nested at most <paramref name="maxDepth"/> deep) as a script value, in a document
    /// never given back. Throws <see cref="JsonException"/> when it is not JSON. The document reads <paramref name="utf8"/>
    /// where it is, for as long as the value lives: it must be memory that nothing reuses.
    /// </summary>
    public static JsValue Parse(Engine engine, ReadOnlyMemory<byte> utf8, int maxDepth) => ToJs(engine, Parse(utf8, maxDepth));

    /// <summary>The root of a run's parse as a script value, valid after the run gives the parse back.</summary>
    public static JsValue ToJs(Engine engine, ParsedJson parsed) => ToJs(engine, parsed.Root, parsed);

    /// <summary>
    /// The JSON this object still is exactly: no member of it has been read (so nothing under it can have changed), it is
    /// not yet ordinary, and its prototype is <c>Object.prototype</c>. Such an object is written out straight from its JSON.
    /// </summary>
    public bool IsUntouched(out JsonElement json)
    {
        json = Json;
        return !IsOrdinary && _readCount == 0 && ReferenceEquals(Prototype, _engine.Intrinsics.Object.PrototypeObject);
    }

    /// <summary><paramref name="json"/> (of a document never given back) as a script value: an object or array read lazily, anything else made now.</summary>
    public static JsValue ToJs(Engine engine, JsonElement json) => ToJs(engine, json, source: null);

    /// <summary>
    /// The object's JSON. Once the run that parsed it has given the parse back, the object's own text is parsed again
    /// into a document of its own (once: what it has read so far stays as read).
    /// </summary>
    private JsonElement Json
    {
        get
        {
            if (_source is { IsReleased: true } source)
            {
                _json = Parse(source.Utf8.Slice(_offset, _length), source.MaxDepth);
                _source = null;
            }

            return _json;
        }
    }

    private static JsonElement Parse(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
#pragma warning disable CA2000 // Never disposed on purpose: a script may keep the value for as long as it likes.
        return JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth }).RootElement;
#pragma warning restore CA2000
    }

    private static JsValue ToJs(Engine engine, JsonElement json, ParsedJson? source) => json.ValueKind switch
    {
        JsonValueKind.Object => new LazyJsonObject(engine, json, source),
        JsonValueKind.Array => ArrayOf(engine, json, source),
        JsonValueKind.String => new JsString(json.GetString()!),
        JsonValueKind.Number => JsNumber.Create(json.GetDouble()),
        JsonValueKind.True => JsBoolean.True,
        JsonValueKind.False => JsBoolean.False,
        _ => JsValue.Null,
    };

    private static JsArray ArrayOf(Engine engine, JsonElement json, ParsedJson? source)
    {
        var items = new JsValue[json.GetArrayLength()];
        var index = 0;
        foreach (var item in json.EnumerateArray())
        {
            items[index++] = ToJs(engine, item, source);
        }

        return new JsArray(engine, items);
    }

    /// <summary>
    /// The member <paramref name="name"/> as JSON.parse gives it (the last of duplicates), made once: found by
    /// <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/>, which compares names as JSON.parse
    /// decodes them and finds the last of duplicates, and kept with the name it was read by.
    /// </summary>
    protected override bool TryRead(string name, out JsValue value)
    {
        if (ReadBefore(name) is { } before)
        {
            value = before;
            return true;
        }

        var json = Json;
        if (!TryGetMember(json, name, out var member))
        {
            value = JsValue.Undefined;
            return false;
        }

        value = ToJs(_engine, member, _source);
        if (_read is null || _readCount == _read.Length)
        {
            // No more distinct names can be found than the object has members; a script reads a few of a large object's.
            var members = json.GetPropertyCount();
            Array.Resize(ref _read, Math.Min(members, _read is null ? ReadFirst : _read.Length * 2));
        }

        _read[_readCount++] = new ReadMember(name, value);
        return true;
    }

    /// <summary>The value already made for the member <paramref name="name"/>, or null.</summary>
    private JsValue? ReadBefore(string name)
    {
        for (var i = 0; i < _readCount; i++)
        {
            if (string.Equals(_read![i].Name, name, StringComparison.Ordinal))
            {
                return _read[i].Value;
            }
        }

        return null;
    }

    /// <summary>
    /// The last member of <paramref name="json"/> named <paramref name="name"/>. A name that is not text (a lone
    /// surrogate) has no UTF-8, and names no member of JSON a script is given (such a text is refused).
    /// </summary>
    private static bool TryGetMember(JsonElement json, string name, out JsonElement member)
    {
        byte[]? rented = null;
        var utf8 = name.Length <= 128 ? stackalloc byte[name.Length * 3] : (rented = ArrayPool<byte>.Shared.Rent(name.Length * 3));
        try
        {
            member = default;
            return Utf8.FromUtf16(name, utf8, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
                && json.TryGetProperty(utf8[..written], out member);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    protected override void DefineMembers()
    {
        foreach (var member in Json.EnumerateObject())
        {
            var name = member.Name;
            DefineMember(name, ReadBefore(name) ?? ToJs(_engine, member.Value, _source));
        }

        (_read, _readCount) = (null, 0);
    }

    /// <summary>A member read by name, and the value made of it.</summary>
    private readonly record struct ReadMember(string Name, JsValue Value);
}
