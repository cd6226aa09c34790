using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace HaloIlertGateway.Scripting;

/// <summary>An object's own enumerable string keys, as <c>Object.keys</c> and <c>JSON.stringify</c> list them.</summary>
internal static class EnumerableOwnKeys
{
    /// <summary>
    /// The descriptor Jint gives for a member of a hidden-class object (one made by a literal or by
    /// <see cref="JsObject.Create(Engine, JsObjectLayout, ReadOnlySpan{JsValue})"/>), whose members are all writable,
    /// enumerable, configurable data. Anything else (a getter, a member defined otherwise, a deletion) turns the object
    /// into a dictionary of ordinary descriptors for good.
    /// </summary>
    private static readonly Type HiddenClassMember = HiddenClassDescriptorType();

    /// <summary>
    /// The own enumerable string keys of <paramref name="obj"/>, settled before any value is read, as the spec has it:
    /// each is then read as <c>value[key]</c>. A hidden-class object's are all its keys, told by one descriptor instead
    /// of one per member.
    /// </summary>
    public static List<JsValue> Of(ObjectInstance obj) => Of(obj, out _);

    /// <summary>
    /// The same, and whether every own member of <paramref name="obj"/> is enumerable data (a hidden-class object, or
    /// none): reading one of these keys then runs no getter and finds nothing on the prototypes.
    /// </summary>
    public static List<JsValue> Of(ObjectInstance obj, out bool allData)
    {
        var keys = obj.GetOwnPropertyKeys(Types.String);
        allData = keys.Count == 0 || (obj is JsObject && obj.GetOwnProperty(keys[0]).GetType() == HiddenClassMember);
        if (allData)
        {
            return keys;
        }

        var kept = 0;
        for (var i = 0; i < keys.Count; i++)
        {
            var property = obj.GetOwnProperty(keys[i]);
            if (property != PropertyDescriptor.Undefined && property.Enumerable)
            {
                keys[kept++] = keys[i];
            }
        }

        keys.RemoveRange(kept, keys.Count - kept);
        return keys;
    }

    private static Type HiddenClassDescriptorType()
    {
        using var engine = new Engine();
        var type = JsObject.CreateFromEntries(engine, [new("member", JsValue.Null)]).GetOwnProperty("member").GetType();
        // Were it ever the ordinary descriptor, every object would pass for a hidden-class one: ask for each member then.
        return type == typeof(PropertyDescriptor) ? typeof(void) : type;
    }
}
