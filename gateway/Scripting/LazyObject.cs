using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// An object whose members are made from their source only when a script reads them by name, and that is otherwise
/// the ordinary object the source would give. Reading a member by name reads the source; any other use (listing the
/// keys, a change, a symbol, freezing) first makes it that ordinary object, its members defined in the source's
/// order with the values already read, and from then on it is that object.
/// </summary>
internal abstract class LazyObject(Engine engine) : ObjectInstance(engine)
{
    /// <summary>Whether the object has been made ordinary: its members are its own from then on.</summary>
    protected bool IsOrdinary { get; private set; }

    /// <summary>The member <paramref name="name"/> as the ordinary object would hold it, or false when it has none.</summary>
    protected abstract bool TryRead(string name, out JsValue value);

    /// <summary>Every member, in the source's order, through <see cref="DefineMember"/>: called once, when the object is made ordinary.</summary>
    protected abstract void DefineMembers();

    /// <summary>A member as the ordinary object has it: writable, enumerable, configurable data.</summary>
    protected void DefineMember(string name, JsValue value) =>
        base.SetOwnProperty(name, new PropertyDescriptor(value, PropertyFlag.ConfigurableEnumerableWritable));

    public override PropertyDescriptor GetOwnProperty(JsValue property)
    {
        // A symbol key cannot be the source's, and defining one would have made this object ordinary.
        if (IsOrdinary || property.IsSymbol())
        {
            return base.GetOwnProperty(property);
        }

        return TryRead(TypeConverter.ToString(property), out var value)
            ? new PropertyDescriptor(value, PropertyFlag.ConfigurableEnumerableWritable)
            : PropertyDescriptor.Undefined;
    }

    public override JsValue Get(JsValue property, JsValue receiver)
    {
        if (IsOrdinary || property.IsSymbol())
        {
            return base.Get(property, receiver);
        }

        // A member read needs no descriptor: the value, or else what the prototype chain has.
        return TryRead(TypeConverter.ToString(property), out var value) ? value : Prototype?.Get(property, receiver) ?? Undefined;
    }

    public override List<JsValue> GetOwnPropertyKeys(Types types = Types.String | Types.Symbol)
    {
        MakeOrdinary();
        return base.GetOwnPropertyKeys(types);
    }

    public override IEnumerable<KeyValuePair<JsValue, PropertyDescriptor>> GetOwnProperties()
    {
        MakeOrdinary();
        return base.GetOwnProperties();
    }

    public override bool DefineOwnProperty(JsValue property, PropertyDescriptor desc)
    {
        MakeOrdinary();
        return base.DefineOwnProperty(property, desc);
    }

    public override bool Set(JsValue property, JsValue value, JsValue receiver)
    {
        MakeOrdinary();
        return base.Set(property, value, receiver);
    }

    public override bool Delete(JsValue property)
    {
        MakeOrdinary();
        return base.Delete(property);
    }

    public override void RemoveOwnProperty(JsValue property)
    {
        MakeOrdinary();
        base.RemoveOwnProperty(property);
    }

    public override bool PreventExtensions()
    {
        MakeOrdinary();
        return base.PreventExtensions();
    }

    protected override void SetOwnProperty(JsValue property, PropertyDescriptor desc)
    {
        MakeOrdinary();
        base.SetOwnProperty(property, desc);
    }

    private void MakeOrdinary()
    {
        if (!IsOrdinary)
        {
            IsOrdinary = true;
            DefineMembers();
        }
    }
}
