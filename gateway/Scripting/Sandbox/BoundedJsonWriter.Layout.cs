using System.Runtime.CompilerServices;
using Jint.Native.Object;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>The structure side of the writer: entering and leaving an object or array (cycles refused, nesting held to the real stack) and the gap's indentation.</summary>
internal sealed partial class BoundedJsonWriter
{
    private string Enter(ObjectInstance value)
    {
        foreach (var open in _stack)
        {
            if (ReferenceEquals(open, value))
            {
                throw new JavaScriptException(engine.Intrinsics.TypeError, "Converting circular structure to JSON");
            }
        }

        RuntimeHelpers.EnsureSufficientExecutionStack();
        _stack.Add(value);
        var stepback = _indent;
        _indent += _gap;
        return stepback;
    }

    private void Leave(bool any, string stepback)
    {
        _stack.RemoveAt(_stack.Count - 1);
        _indent = stepback;
        if (any && _gap.Length > 0)
        {
            Append("\n");
            Append(stepback);
        }
    }

    private void Separate(bool after)
    {
        if (after)
        {
            Append(",");
        }

        if (_gap.Length > 0)
        {
            Append("\n");
            Append(_indent);
        }
    }
}
