using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
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
    private const int IndexFrom = 8;

    /// <summary>The bytes of a JSON name or string that reads as it is written: printable ASCII but the backslash that starts an escape.</summary>
    private static readonly SearchValues<byte> PlainBytes = SearchValues.Create([.. Enumerable.Range(0x20, 0x5F).Where(b => b != '\\').Select(b => (byte)b)]);

    /// <summary>FNV-1a's offset basis, varied per process.</summary>
    private static readonly uint HashSeed = 2166136261 ^ (uint)Random.Shared.Next();

    private JsonElement _json;
    /// <summary>The run's parse <see cref="_json"/> is in, until the object reads a document of its own; null for a document never given back.</summary>
    private ParsedJson? _source;
    /// <summary>Where the object's text is in <see cref="ParsedJson.Utf8"/>, to parse it again once the run's parse is given back.</summary>
    private readonly int _offset;
    private readonly int _length;
    private JsValue?[]? _read;
    private MemberIndex? _members;

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
    public static JsValue Parse(Engine engine, ReadOnlyMemory<byte> utf8, int maxDepth)
    {
#pragma warning disable CA2000 // Never disposed on purpose: a script may keep the value for as long as it likes.
        var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth });
#pragma warning restore CA2000
        return ToJs(engine, document.RootElement);
    }

    /// <summary>The root of a run's parse as a script value, valid after the run gives the parse back.</summary>
    public static JsValue ToJs(Engine engine, ParsedJson parsed) => ToJs(engine, parsed.Root, parsed);

    /// <summary>
    /// The JSON this object still is exactly: no member of it has been read (so nothing under it can have changed), it is
    /// not yet ordinary, and its prototype is <c>Object.prototype</c>. Such an object is written out straight from its JSON.
    /// </summary>
    public bool IsUntouched(out JsonElement json)
    {
        json = Json;
        return !IsOrdinary && _read is null && ReferenceEquals(Prototype, _engine.Intrinsics.Object.PrototypeObject);
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
                (_source, _members) = (null, null);
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

    /// <summary>The member <paramref name="name"/> as JSON.parse gives it (the last of duplicates), made once.</summary>
    protected override bool TryRead(string name, out JsValue value)
    {
        var (index, count, member) = (-1, 0, default(JsonElement));
        var json = Json;
        if (_members is null && json.GetPropertyCount() <= IndexFrom)
        {
            // A few members: one walk.
            foreach (var candidate in json.EnumerateObject())
            {
                if (NameIs(candidate, name))
                {
                    (index, member) = (count, candidate.Value);
                }

                count++;
            }
        }
        else
        {
            _members ??= Index(json);
            index = _members.Find(name);
            (count, member) = (_members.Count, index >= 0 ? _members.Value(index) : default);
        }

        if (index < 0)
        {
            value = JsValue.Undefined;
            return false;
        }

        _read ??= new JsValue?[count];
        value = _read[index] ??= ToJs(_engine, member, _source);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="member"/> is named <paramref name="name"/>: a name written in plain ASCII (nearly all)
    /// is compared as it is written, byte for character; any other is decoded first.
    /// </summary>
    private static bool NameIs(JsonProperty member, string name)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(member);
        return IsPlain(raw) ? raw.Length == name.Length && Ascii.Equals(raw, name) : member.NameEquals(name);
    }

    /// <summary>A JSON name or string as written (<see cref="JsonMarshal"/>'s raw bytes) in printable ASCII without escapes: its bytes are its characters.</summary>
    internal static bool IsPlain(ReadOnlySpan<byte> raw) => !raw.ContainsAnyExcept(PlainBytes);

    /// <summary>
    /// FNV-1a over code units: the same for a plain name's bytes and its characters. A collision costs a comparison,
    /// never a wrong answer; the start differs per process, so names that all collide cannot be prepared in advance.
    /// </summary>
    internal static int NameHash<T>(ReadOnlySpan<T> name)
        where T : System.Numerics.IBinaryInteger<T>
    {
        var hash = HashSeed;
        foreach (var unit in name)
        {
            hash = (hash ^ uint.CreateTruncating(unit)) * 16777619;
        }

        return (int)hash;
    }

    protected override void DefineMembers()
    {
        var index = 0;
        foreach (var member in Json.EnumerateObject())
        {
            DefineMember(member.Name, _read?[index] ?? ToJs(_engine, member.Value, _source));
            index++;
        }

        (_read, _members) = (null, null);
    }

    private static MemberIndex Index(JsonElement json)
    {
        var members = new MemberIndex(json.GetPropertyCount());
        foreach (var member in json.EnumerateObject())
        {
            members.Add(member);
        }

        return members;
    }

    /// <summary>
    /// An object's members by a hash of their name, for a read in a few steps instead of a walk of every member. The
    /// hash of a plain name (<see cref="IsPlain"/>) is the same over its bytes as over its characters; an object with
    /// any other name is walked instead.
    /// </summary>
    private sealed class MemberIndex(int count)
    {
        private readonly int[] _hashes = new int[count];
        private readonly JsonProperty[] _members = new JsonProperty[count];
        private bool _walk;

        public int Count { get; private set; }

        public JsonElement Value(int index) => _members[index].Value;

        public void Add(JsonProperty member)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(member);
            _walk |= !IsPlain(raw);
            _hashes[Count] = NameHash(raw);
            _members[Count++] = member;
        }

        /// <summary>The index of the last member named <paramref name="name"/> (JSON.parse keeps the last of duplicates), or -1.</summary>
        public int Find(string name)
        {
            var hash = NameHash(name.AsSpan());
            for (var i = Count - 1; i >= 0; i--)
            {
                if ((_walk || _hashes[i] == hash) && NameIs(_members[i], name))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
