using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;

namespace HaloIlertGateway.Scripting;

/// <summary>Reading an object's own enumerable members as <c>Object.keys</c> and <c>value[key]</c> would, with one lookup where the spec allows it.</summary>
internal static class OwnMembers
{
    /// <summary>
    /// False for a key that is not an own enumerable member. An ordinary object's data member is its descriptor's
    /// value (no second lookup); an accessor, or an exotic object's member (a proxy's), is read as <c>value[key]</c> reads it.
    /// </summary>
    public static bool TryReadEnumerable(ObjectInstance obj, JsValue key, out JsValue value)
    {
        var property = obj.GetOwnProperty(key);
        if (property == PropertyDescriptor.Undefined || !property.Enumerable)
        {
            value = JsValue.Undefined;
            return false;
        }

        value = obj is JsObject or LazyObject && property.IsDataDescriptor() ? property.Value : obj.Get(key);
        return true;
    }
}
