using System.Runtime.CompilerServices;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>The array side of the guards: <c>join</c> (and so <c>String()</c> of an array) and <c>flat</c> sized before they run.</summary>
internal sealed partial class SandboxBuiltins
{
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

    private JsValue Join(JsValue self, JsValue separatorValue, bool locale)
    {
        // join → an element's toString → join again is recursion on the host's stack, which Jint's stack guard does
        // not see: stop it while there is stack left (an InsufficientExecutionStackException is the recursion limit).
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var array = ToObject(self);
        var length = LengthOf(array);
        if (length > _maxArray)
        {
            throw SandboxLimitException.ArrayLength(locale ? "toLocaleString" : "join", (long)length, _maxArray);
        }

        // A cycle joins as the empty string (as every engine does), instead of recursing forever.
        if (!_joining.Add(array))
        {
            return JsString.Empty;
        }

        try
        {
            var separator = separatorValue.IsUndefined() ? "," : TypeConverter.ToString(separatorValue);
            var builder = new StringBuilder();
            for (var index = 0; index < (int)length; index++)
            {
                if (index > 0)
                {
                    Append(builder, separator, "join");
                }

                var element = array.Get(index);
                if (IsMissing(element))
                {
                    continue;
                }

                var text = locale
                    ? TypeConverter.ToString(Call(ToObject(element).Get("toLocaleString"), element, []))
                    : TypeConverter.ToString(element);
                Append(builder, text, "join");
            }

            return builder.ToString();
        }
        finally
        {
            _joining.Remove(array);
        }
    }

    private void Append(StringBuilder builder, string text, string what)
    {
        if ((long)builder.Length + text.Length > _maxString)
        {
            throw SandboxLimitException.StringLength(what, (long)builder.Length + text.Length, _maxString);
        }

        builder.Append(text);
    }

    /// <summary>Walks what <c>flat(depth)</c> would visit, without recursion, and refuses before it visits too much.</summary>
    private void CheckFlattened(JsValue self, JsValue depthValue)
    {
        if (self is not ObjectInstance root)
        {
            return;
        }

        var depth = depthValue.IsUndefined() ? 1 : TypeConverter.ToIntegerOrInfinity(depthValue);
        var pending = new Stack<(ObjectInstance Array, double Depth)>();
        pending.Push((root, depth));
        long visited = 0;
        while (pending.TryPop(out var next))
        {
            var length = LengthOf(next.Array);
            for (var index = 0d; index < length; index++)
            {
                if (++visited > _maxArray)
                {
                    throw SandboxLimitException.ArrayLength("flat", visited, _maxArray);
                }

                var element = next.Array.Get(index);
                if (next.Depth > 0 && element.IsArray())
                {
                    pending.Push((element.AsObject(), next.Depth - 1));
                }
            }
        }
    }

    private static double SpreadLength(JsValue value) => value.IsArray() ? LengthOf(value.AsObject()) : 1;

    private static double LengthOf(ObjectInstance array) => TypeConverter.ToLength(array.Get(PropertyNames.Length));
}
