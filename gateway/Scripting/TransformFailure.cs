using System.Text.RegularExpressions;
using HaloIlertGateway.Logging;
using HaloIlertGateway.Scripting.Sandbox;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Why a run did not produce a request. <see cref="Limit"/> names the sandbox limit that stopped it
/// (<c>timeout</c>, <c>statements</c>, <c>memory</c>, <c>recursion</c>, <c>regex-timeout</c>), or is null when the
/// script itself failed. Line and column are 1-based and known for script errors.
/// </summary>
internal sealed record TransformFailure(string Transform, string Message, string? Limit = null, int? Line = null, int? Column = null)
{
    public bool IsLimit => Limit is not null;

    /// <summary>" (line L, column C)" when the position is known, else empty.</summary>
    public string Where => Line is null ? string.Empty : $" (line {Line}, column {Column})";

    /// <summary>One line for a dead letter's reason: the limit (or "error"), the message and the position.</summary>
    public string Describe() => $"{Limit ?? "error"}: {Message}{Where}";

    /// <summary>The limit a regular expression that ran past its time breaks (which a run may do once more: <see cref="RegexTimeoutRetry"/>).</summary>
    public const string RegexTimeout = "regex-timeout";

    private const int MaxMessageLength = 500;

    /// <summary>What Jint's stack guard says when the real stack runs low: the recursion limit, by another route.</summary>
    private const string StackExhausted = "Maximum call stack size exceeded";

    public static TransformFailure From(Exception exception, string script) => From(exception, script, []);

    /// <summary>
    /// Maps whatever a run or a load throws to a failure: script errors keep their line; limits are named; anything
    /// else (an engine fault, a host error) is an ordinary failure too, never an exception that escapes.
    /// </summary>
    public static TransformFailure From(Exception exception, string script, IReadOnlyCollection<string> secrets) => exception switch
    {
        JavaScriptException js when js.Message.StartsWith(StackExhausted, StringComparison.Ordinal) =>
            LimitFailure(script, "recursion", "the script recursed deeper than the stack allows"),
        JavaScriptException js => new TransformFailure(script, Clean(js.Message, secrets), null, js.Location.Start.Line, js.Location.Start.Column + 1),
        TransformContractException contract => new TransformFailure(script, Clean(contract.Message, secrets)),
        SandboxLimitException limit => LimitFailure(script, limit.Limit, Clean(limit.Message, secrets)),
        // RegexMatchTimeoutException is a TimeoutException: test it first.
        RegexMatchTimeoutException => LimitFailure(script, RegexTimeout, "a regular expression ran past its time limit"),
        TimeoutException => LimitFailure(script, "timeout", "the script ran past its time limit"),
        StatementsCountOverflowException => LimitFailure(script, "statements", "the script executed more statements than allowed"),
        MemoryLimitExceededException => LimitFailure(script, "memory", "the script allocated more memory than allowed"),
        RecursionDepthOverflowException => LimitFailure(script, "recursion", "the script recursed deeper than allowed"),
        InsufficientExecutionStackException => LimitFailure(script, "recursion", "the script recursed deeper than the stack allows"),
        OutOfMemoryException => LimitFailure(script, "memory", "the script asked for more memory than the process has"),
        Jint.JintException jint => new TransformFailure(script, Clean(jint.Message, secrets)),
        // Anything else is the engine's or the host's fault, not a message for the client: name its type only.
        _ => new TransformFailure(script, $"the script could not be run ({exception.GetType().Name})"),
    };

    private static TransformFailure LimitFailure(string script, string limit, string message) => new(script, message, limit);

    private static string Clean(string message, IReadOnlyCollection<string> secrets)
    {
        var redacted = SecretRedactor.Redact(message, secrets);
        return redacted.Length <= MaxMessageLength ? redacted : string.Concat(redacted.AsSpan(0, MaxMessageLength), "…");
    }
}
