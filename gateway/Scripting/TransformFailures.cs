using System.Text.RegularExpressions;
using HaloIlertGateway.Logging;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting;

/// <summary>Maps what a Jint run throws to a <see cref="TransformFailure"/>: script errors keep their line; limits are named.</summary>
internal static class TransformFailures
{
    private const int MaxMessageLength = 500;

    public static bool TryDescribe(Exception exception, string script, out TransformFailure failure) =>
        TryDescribe(exception, script, [], out failure);

    public static bool TryDescribe(Exception exception, string script, IReadOnlyCollection<string> secrets, out TransformFailure failure)
    {
        failure = exception switch
        {
            JavaScriptException js => new TransformFailure(script, Clean(js.Message, secrets), null, js.Location.Start.Line, js.Location.Start.Column + 1),
            TransformContractException contract => new TransformFailure(script, Clean(contract.Message, secrets)),
            // RegexMatchTimeoutException is a TimeoutException: test it first.
            RegexMatchTimeoutException => Limit(script, "regex-timeout", "a regular expression ran past its time limit"),
            TimeoutException => Limit(script, "timeout", "the script ran past its time limit"),
            StatementsCountOverflowException => Limit(script, "statements", "the script executed more statements than allowed"),
            MemoryLimitExceededException => Limit(script, "memory", "the script allocated more memory than allowed"),
            RecursionDepthOverflowException => Limit(script, "recursion", "the script recursed deeper than allowed"),
            Jint.JintException jint => new TransformFailure(script, Clean(jint.Message, secrets)),
            _ => null!,
        };
        return failure is not null;
    }

    private static TransformFailure Limit(string script, string limit, string message) => new(script, message, limit);

    private static string Clean(string message, IReadOnlyCollection<string> secrets)
    {
        var redacted = SecretRedactor.Redact(message, secrets);
        return redacted.Length <= MaxMessageLength ? redacted : string.Concat(redacted.AsSpan(0, MaxMessageLength), "…");
    }
}
