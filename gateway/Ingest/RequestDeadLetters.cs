using HaloIlertGateway.Delivery;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Keeps what could not become an event as a dead letter of the request as it came: a request whose transform failed
/// (<see cref="DeadLetter.TransformFailed"/>) or that was refused for its body (<see cref="DeadLetter.Rejected"/>),
/// so that ops can fix the transform or the sender and replay it (<see cref="DeadLetterReplay"/>). An event ilert
/// would not take becomes a dead letter in the outbox itself (<see cref="IOutbox"/>).
/// </summary>
internal sealed class RequestDeadLetters(
    IDeadLetterStore store,
    DeliveryMetrics metrics,
    StoreFaultReporter faults,
    IOptions<DeliveryOptions> options,
    DurableIngest durable,
    TimeProvider time)
{
    /// <summary>Bytes kept of a refused body (<see cref="DeliveryOptions.MaxRejectedBodyBytes"/>, within the anonymous dead letters' budget).</summary>
    public int MaxRejectedBodyBytes => options.Value.RejectedBodyBytesKept;

    /// <summary>
    /// Keeps the raw request whose transform failed (credential headers left out); returns the dead letter's id, or
    /// null when the outbox cannot be written (the client is then told to send it again).
    /// </summary>
    public Task<long?> AddTransformFailureAsync(IngestRoute route, IncomingRequest raw, TransformFailure failure) =>
        KeepAsync(route, raw, DeadLetter.TransformFailed, failure.Describe(), declaredLength: null);

    /// <summary>
    /// Keeps a request refused for its body before any script ran, as it came, its body up to
    /// <see cref="MaxRejectedBodyBytes"/>, so that ops can fix the sender's template or the transform and replay it.
    /// </summary>
    public Task<long?> AddRejectedAsync(IngestRoute route, IncomingRequest raw, GatewayProblem problem, long? declaredLength)
    {
        metrics.OnRejected(problem.Kind);
        return KeepAsync(route, raw, DeadLetter.Rejected, $"{problem.Kind}: {problem.Title}{(problem.Detail is null ? string.Empty : " " + problem.Detail)}", declaredLength);
    }

    /// <summary>
    /// Keeps the raw request (credential headers left out) as a dead letter of <paramref name="kind"/>. Its body is kept
    /// whole, but for a refused one (up to <see cref="MaxRejectedBodyBytes"/>) and for anonymous input, a key ilert has
    /// not accepted (up to <see cref="DeadLetterOptions.MaxAnonymousBodyBytes"/>: what is most likely a flood keeps
    /// little, so that its churn stays small on disk too).
    /// </summary>
    private async Task<long?> KeepAsync(IngestRoute route, IncomingRequest raw, string kind, string reason, long? declaredLength)
    {
        // Not the request's token: a dead letter is kept whether or not its client still waits.
        var anonymous = !await durable.IsKnownKeyOfAsync(raw, CancellationToken.None);
        var limit = anonymous ? Math.Min(options.Value.DeadLetters.MaxAnonymousBodyBytes, MaxRejectedBodyBytes)
            : kind == DeadLetter.Rejected ? MaxRejectedBodyBytes
            : int.MaxValue;
        var body = raw.Body.Utf8[..Math.Min(raw.Body.Utf8.Length, limit)];
        var length = Math.Max(declaredLength ?? 0, raw.Body.Utf8.Length);
        if (length > body.Length)
        {
            reason += $" (the first {body.Length} of {length} bytes kept)";
        }

        var now = time.GetUtcNow();
        try
        {
            // Not the request's token: what came is kept whether or not its client still waits.
            var id = await store.AddAsync(new DeadLetter(
                0, kind, reason, route.RouteId, route.ClusterId, null, null,
                raw.Method, raw.Path + TransformContract.QueryFor(raw),
                raw.Headers.Where(pair => !DurableIngest.NotStoredHeaders.Contains(pair.Key)).ToDictionary(pair => pair.Key, pair => pair.Value),
                body.ToArray(), raw.Params, now, now, 1, null, anonymous), CancellationToken.None);
            faults.Succeeded();
            metrics.OnDeadLettered();
            return id;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            faults.Report("keep a dead letter", ex);
            return null;
        }
    }
}
