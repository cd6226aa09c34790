using System.Runtime.InteropServices;
using Jint;
using System.Text.Json;
using Jint.Native;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// A part of a request body the script never looked into (<see cref="LazyJsonObject.IsUntouched"/>), written from its
/// JSON without making it into script values first: what <c>JSON.stringify</c> gives for it, character for character.
/// Taken only where nothing could make the two differ: no replacer, no gap, no <c>toJSON</c> on the prototypes, and per
/// object no duplicate names (JSON.parse keeps one) and no index-like names (JavaScript lists those first); any other
/// object is written as the script would see it.
/// </summary>
internal sealed partial class BoundedJsonWriter
{
    /// <summary>Objects of up to this many members have their name hashes checked on the stack, not in a rented array.</summary>
    private const int StackNames = 128;

    /// <summary>The bytes of a JSON name or string that reads as it is written: printable ASCII but the backslash that starts an escape.</summary>
    private static readonly System.Buffers.SearchValues<byte> PlainBytes = System.Buffers.SearchValues.Create([.. Enumerable.Range(0x20, 0x5F).Where(b => b != '\\').Select(b => (byte)b)]);

    /// <summary>FNV-1a's offset basis, varied per process.</summary>
    private static readonly uint HashSeed = 2166136261 ^ (uint)Random.Shared.Next();

    private bool TryWriteUntouched(JsValue value)
    {
        if (value is not LazyJsonObject lazy || !_replacer.IsUndefined() || _propertyList is not null || _gap.Length > 0 || !lazy.IsUntouched(out var json)
            || engine.Intrinsics.Object.PrototypeObject.GetOwnProperty(PropertyNames.ToJson) != PropertyDescriptor.Undefined
            || engine.Intrinsics.Array.PrototypeObject.GetOwnProperty(PropertyNames.ToJson) != PropertyDescriptor.Undefined)
        {
            return false;
        }

        WriteJson(json);
        return true;
    }

    private void WriteJson(JsonElement json)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object when WritesAsItIs(json):
                System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
                Append("{");
                var any = false;
                foreach (var member in json.EnumerateObject())
                {
                    Separate(any);
                    WriteJsonString(JsonMarshal.GetRawUtf8PropertyName(member), member, static m => m.Name);
                    Append(":");
                    WriteJson(member.Value);
                    any = true;
                }

                Append("}");
                break;
            case JsonValueKind.Object:
                // Written as the script would see it, its members made: JSON.parse's rules decide what it holds.
                WriteObject((LazyJsonObject)LazyJsonObject.ToJs(engine, json));
                break;
            case JsonValueKind.Array:
                System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
                Append("[");
                var index = 0;
                foreach (var item in json.EnumerateArray())
                {
                    Separate(index++ > 0);
                    WriteJson(item);
                }

                Append("]");
                break;
            case JsonValueKind.String:
                WriteJsonString(JsonMarshal.GetRawUtf8Value(json)[1..^1], json, static e => e.GetString()!);
                break;
            case JsonValueKind.Number:
                var number = json.GetDouble();
                Append(double.IsFinite(number) ? TypeConverter.ToString(JsNumber.Create(number)) : "null");
                break;
            case JsonValueKind.True:
                Append("true");
                break;
            case JsonValueKind.False:
                Append("false");
                break;
            default:
                Append("null");
                break;
        }
    }

    /// <summary>
    /// A string as <c>JSON.stringify</c> quotes it. Plain ASCII as written (no escape, no control character) is already
    /// that; anything else is decoded and quoted.
    /// </summary>
    private void WriteJsonString<T>(ReadOnlySpan<byte> raw, T source, Func<T, string> decode)
    {
        // Plain text cannot hold a quote unescaped either: JSON.stringify writes it as it is.
        if (raw.Length <= 256 && IsPlain(raw))
        {
            Span<char> text = stackalloc char[raw.Length + 2];
            text[0] = text[^1] = '"';
            for (var i = 0; i < raw.Length; i++)
            {
                text[i + 1] = (char)raw[i];
            }

            Append(text);
            return;
        }

        Quote(decode(source));
    }

    /// <summary>A JSON name or string as written (<see cref="JsonMarshal"/>'s raw bytes) in printable ASCII without escapes: its bytes are its characters.</summary>
    private static bool IsPlain(ReadOnlySpan<byte> raw) => !raw.ContainsAnyExcept(PlainBytes);

    /// <summary>
    /// FNV-1a over a name's bytes as written. A collision costs the slower way, never a wrong answer; the start differs
    /// per process, so names that all collide cannot be prepared in advance.
    /// </summary>
    private static int NameHash(ReadOnlySpan<byte> name)
    {
        var hash = HashSeed;
        foreach (var unit in name)
        {
            hash = (hash ^ unit) * 16777619;
        }

        return (int)hash;
    }

    /// <summary>
    /// No index-like name, no name written with an escape, and no two members of one name (by a hash of the names as
    /// written, sorted: a collision only costs the slower way). Allocates nothing for an object of up to
    /// <see cref="StackNames"/> members.
    /// </summary>
    private static bool WritesAsItIs(JsonElement json)
    {
        var count = json.GetPropertyCount();
        int[]? rented = null;
        var hashes = count <= StackNames ? stackalloc int[count] : (rented = System.Buffers.ArrayPool<int>.Shared.Rent(count)).AsSpan(0, count);
        try
        {
            var written = 0;
            foreach (var member in json.EnumerateObject())
            {
                var raw = JsonMarshal.GetRawUtf8PropertyName(member);
                var indexLike = raw.Length > 0 && !raw.ContainsAnyExceptInRange((byte)'0', (byte)'9');
                if (indexLike || raw.Contains((byte)'\\'))
                {
                    return false;
                }

                hashes[written++] = NameHash(raw);
            }

            hashes.Sort();
            for (var i = 1; i < hashes.Length; i++)
            {
                if (hashes[i] == hashes[i - 1])
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<int>.Shared.Return(rented);
            }
        }
    }
}
