using Jint;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Turns <see cref="ScriptingOptions"/> into Jint <see cref="Options"/>. One instance is shared by every engine
/// (Jint creates the constraint objects per engine). CLR interop stays off (Jint's default, never switched on
/// here) and string compilation (<c>eval</c>, <c>new Function</c>) is disabled.
/// </summary>
internal static class JintSandbox
{
    public static Options CreateOptions(ScriptingOptions limits)
    {
        var options = new Options { Strict = true };
        options.TimeoutInterval(TimeSpan.FromMilliseconds(limits.TimeoutMilliseconds));
        options.MaxStatements(limits.MaxStatements);
        options.LimitMemory(limits.MemoryLimitBytes);
        options.LimitRecursion(limits.RecursionLimit);
        options.RegexTimeoutInterval(TimeSpan.FromMilliseconds(limits.RegexTimeoutMilliseconds));
        options.MaxJsonParseDepth(limits.MaxJsonDepth);
        options.MaxArraySize((uint)limits.MaxArrayLength);
        options.DisableStringCompilation();
        options.Interop.Enabled = false;
        return options;
    }
}
