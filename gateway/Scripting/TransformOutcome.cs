namespace HaloIlertGateway.Scripting;

/// <summary>The result of one run: forward a request, drop it, or fail; with the script's log lines either way.</summary>
internal abstract record TransformOutcome(IReadOnlyList<string> Logs, TimeSpan Duration)
{
    internal sealed record Forward(OutgoingRequest Request, IReadOnlyList<string> Logs, TimeSpan Duration)
        : TransformOutcome(Logs, Duration);

    internal sealed record Drop(string Reason, IReadOnlyList<string> Logs, TimeSpan Duration)
        : TransformOutcome(Logs, Duration);

    internal sealed record Fail(TransformFailure Failure, IReadOnlyList<string> Logs, TimeSpan Duration)
        : TransformOutcome(Logs, Duration);
}
