using Jint;
using Jint.Native;

namespace HaloIlertGateway.Scripting;

/// <summary>Reading an ordinary object's own properties without listing its keys first (the list is an allocation per object).</summary>
internal static class OwnProperties
{
    /// <summary>
    /// True when an object's stored order is the spec's own-key order: no key looks like an array index (those come
    /// first in key order, whatever order they were added in). A look at the keys only: nothing of the script runs.
    /// </summary>
    public static bool StoredOrderIsKeyOrder(JsObject source)
    {
        foreach (var (key, _) in source.GetOwnProperties())
        {
            if (key.IsString() && key.AsString() is { Length: > 0 } name && char.IsAsciiDigit(name[0]))
            {
                return false;
            }
        }

        return true;
    }
}
