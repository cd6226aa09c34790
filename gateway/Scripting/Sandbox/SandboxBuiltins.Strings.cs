using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// The string side of the guards: <c>repeat</c>, <c>padStart</c>/<c>padEnd</c>, case mapping, <c>normalize</c>,
/// <c>concat</c>, <c>replace</c>/<c>replaceAll</c> and the URI encoders, each sized before it runs.
/// </summary>
internal sealed partial class SandboxBuiltins
{
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
}
