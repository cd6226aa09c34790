using Jint;
using Jint.Native;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary><c>JSON.stringify</c>'s second and third arguments, read as the specification reads them: the replacer (a function, or a list of property names) and the gap.</summary>
internal sealed partial class BoundedJsonWriter
{
    private void ReadReplacer(JsValue replacer)
    {
        if (replacer.IsCallable())
        {
            _replacer = replacer;
            return;
        }

        if (!replacer.IsArray())
        {
            return;
        }

        var list = replacer.AsObject();
        var length = LengthOf(list);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        _propertyList = [];
        for (var index = 0; index < length; index++)
        {
            var item = list.Get(index);
            var name = item.IsString() || item.IsNumber() || IsWrapper(item, "NumberInstance") || IsWrapper(item, "StringInstance")
                ? TypeConverter.ToString(item)
                : null;
            if (name is not null && seen.Add(name))
            {
                _propertyList.Add(name);
            }
        }
    }

    private void ReadGap(JsValue space)
    {
        if (IsWrapper(space, "NumberInstance"))
        {
            space = TypeConverter.ToNumber(space);
        }
        else if (IsWrapper(space, "StringInstance"))
        {
            space = TypeConverter.ToString(space);
        }

        if (space.IsNumber())
        {
            var count = (int)Math.Min(10, Math.Max(0, TypeConverter.ToIntegerOrInfinity(space)));
            _gap = new string(' ', count);
        }
        else if (space.IsString())
        {
            var text = space.AsString();
            _gap = text.Length <= 10 ? text : text[..10];
        }
    }
}
