using Jint;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// The sandbox every engine runs in: Jint <see cref="Options"/> made from <see cref="ScriptingOptions"/>, shared by
/// every engine (Jint makes the constraint objects per engine), and the limits that <see cref="SandboxBuiltins"/>
/// and <see cref="TransformEngine"/> enforce themselves. CLR interop stays off (Jint's default, never switched on here),
/// string compilation (<c>eval</c>, <c>new Function</c>) and module loading are off, and the stack guard turns
/// recursion the per-function limit cannot see (Proxy traps, <c>Symbol.toPrimitive</c>, <c>yield*</c>, iterators,
/// serializing a deep object) into an ordinary error while there is stack left.
/// </summary>
internal sealed class JintSandbox
{
    private JintSandbox(ScriptingOptions limits, Options options)
    {
        Limits = limits;
        Options = options;
    }

    public ScriptingOptions Limits { get; }

    public Options Options { get; }

    public TimeSpan FixtureTimeout => TimeSpan.FromMilliseconds(Limits.FixtureTimeoutMilliseconds);

    public static JintSandbox Create(ScriptingOptions limits)
    {
        var options = new Options { Strict = true };
        // The time limit is the gateway's own (armed per run, CPU time where known): see RunDeadline.
        options.Constraint(() => new RunDeadline());
        options.MaxStatements(limits.MaxStatements);
        options.LimitMemory(limits.MemoryLimitBytes);
        options.LimitRecursion(limits.RecursionLimit);
        options.Constraints.StackOverflowGuard = true;
        options.RegexTimeoutInterval(TimeSpan.FromMilliseconds(limits.RegexTimeoutMilliseconds));
        options.MaxJsonParseDepth(limits.MaxJsonDepth);
        options.MaxArraySize((uint)limits.MaxArrayLength);
        options.DisableStringCompilation();
        options.Interop.Enabled = false;
        return new JintSandbox(limits, options);
    }
}
