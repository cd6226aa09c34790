using System.Text.RegularExpressions;
using HaloIlertGateway.Logging;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Maps whatever a Jint run throws to a <see cref="TransformFailure"/>: script errors keep their line; limits are
/// named; anything else (an engine fault, a host error) is an ordinary failure too, never an exception that escapes.
/// </summary>
internal static class TransformFailures
{
    private const int MaxMessageLength = 500;

    /// <summary>What Jint's stack guard says when the real stack runs low: the recursion limit, by another route.</summary>
    private const string StackExhausted = "Maximum call stack size exceeded";

    public static TransformFailure Describe(Exception exception, string script) => Describe(exception, script, []);

    public static TransformFailure Describe(Exception exception, string script, IReadOnlyCollection<string> secrets) => exception switch
    {
        JavaScriptException js when js.Message.StartsWith(StackExhausted, StringComparison.Ordinal) =>
            Limit(script, "recursion", "the script recursed deeper than the stack allows"),
        JavaScriptException js => new TransformFailure(script, Clean(js.Message, secrets), null, js.Location.Start.Line, js.Location.Start.Column + 1),
        TransformContractException contract => new TransformFailure(script, Clean(contract.Message, secrets)),
        SandboxLimitException limit => Limit(script, limit.Limit, Clean(limit.Message, secrets)),
        // RegexMatchTimeoutException is a TimeoutException: test it first.
        RegexMatchTimeoutException => Limit(script, "regex-timeout", "a regular expression ran past its time limit"),
        TimeoutException => Limit(script, "timeout", "the script ran past its time limit"),
        StatementsCountOverflowException => Limit(script, "statements", "the script executed more statements than allowed"),
        MemoryLimitExceededException => Limit(script, "memory", "the script allocated more memory than allowed"),
        RecursionDepthOverflowException => Limit(script, "recursion", "the script recursed deeper than allowed"),
        InsufficientExecutionStackException => Limit(script, "recursion", "the script recursed deeper than the stack allows"),
        OutOfMemoryException => Limit(script, "memory", "the script asked for more memory than the process has"),
        Jint.JintException jint => new TransformFailure(script, Clean(jint.Message, secrets)),
        // Anything else is the engine's or the host's fault, not a message for the client: name its type only.
        _ => new TransformFailure(script, $"the script could not be run ({exception.GetType().Name})"),
    };

    private static TransformFailure Limit(string script, string limit, string message) => new(script, message, limit);

    private static string Clean(string message, IReadOnlyCollection<string> secrets)
    {
        var redacted = SecretRedactor.Redact(message, secrets);
        return redacted.Length <= MaxMessageLength ? redacted : string.Concat(redacted.AsSpan(0, MaxMessageLength), "…");
    }
}
