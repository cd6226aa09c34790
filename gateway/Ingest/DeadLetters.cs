using HaloIlertGateway.Delivery;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Security;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Keeps what could not become an event, and replays dead letters: a delivery dead letter goes back into the outbox
/// (behind its alert's pending events); a request whose transform failed or that was refused runs again through the
/// route's current transform (<see cref="RouteTransformRunner.Run"/>, as a live request), so ops can fix the
/// transform or the sender and replay.
/// </summary>
internal sealed class DeadLetters(
    IDeadLetterStore store,
    DeliveryMetrics metrics,
    StoreFaults faults,
    IOptions<DeliveryOptions> options,
    IOptions<ScriptingOptions> scripting,
    DurableIngest durable,
    DeliveryWorker worker,
    RouteTransformRunner runner,
    RouteCredentials credentials,
    IProxyStateLookup proxy,
    TimeProvider time)
{
    /// <summary>Bytes kept of a refused body (<see cref="DeliveryOptions.MaxRejectedBodyBytes"/>, within the anonymous dead letters' budget).</summary>
    public int MaxRejectedBodyBytes => options.Value.RejectedBodyBytesKept;

    /// <summary>
    /// Keeps the raw request whose transform failed (credential headers left out); returns the dead letter's id, or
    /// null when the outbox cannot be written (the client is then told to send it again).
    /// </summary>
    public long? AddTransformFailure(IngestRoute route, IncomingRequest raw, TransformFailure failure) =>
        Keep(route, raw, DeadLetter.TransformFailed, failure.Describe(), declaredLength: null);

    /// <summary>
    /// Keeps a request refused for its body before any script ran, as it came, its body up to
    /// <see cref="MaxRejectedBodyBytes"/>, so that ops can fix the sender's template or the transform and replay it.
    /// </summary>
    public long? AddRejected(IngestRoute route, IncomingRequest raw, GatewayProblem problem, long? declaredLength)
    {
        metrics.OnRejected(problem.Kind);
        return Keep(route, raw, DeadLetter.Rejected, $"{problem.Kind}: {problem.Title}{(problem.Detail is null ? string.Empty : " " + problem.Detail)}", declaredLength);
    }

    /// <summary>
    /// Keeps the raw request (credential headers left out) as a dead letter of <paramref name="kind"/>. Its body is kept
    /// whole, but for a refused one (up to <see cref="MaxRejectedBodyBytes"/>) and for anonymous input, a key ilert has
    /// not accepted (up to <see cref="DeadLetterOptions.MaxAnonymousBodyBytes"/>: what is most likely a flood keeps
    /// little, so that its churn stays small on disk too).
    /// </summary>
    private long? Keep(IngestRoute route, IncomingRequest raw, string kind, string reason, long? declaredLength)
    {
        var anonymous = !durable.IsKnownKeyOf(raw);
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
            var id = store.Add(new DeadLetter(
                0, kind, reason, route.RouteId, route.ClusterId, null, null,
                raw.Method, raw.Path + TransformContract.QueryFor(raw),
                raw.Headers.Where(pair => !DurableIngest.NotStoredHeaders.Contains(pair.Key)).ToDictionary(pair => pair.Key, pair => pair.Value),
                body.ToArray(), raw.Params, now, now, 1, null, anonymous));
            faults.Succeeded();
            metrics.OnDeadLettered();
            return id;
        }
        catch (Exception ex)
        {
            faults.Report("keep a dead letter", ex);
            return null;
        }
    }

    public async Task<ReplayResult> ReplayAsync(long id)
    {
        if (store.Get(id) is not { } deadLetter)
        {
            return new ReplayResult(id, "not-found", null, "no such dead letter");
        }

        if (deadLetter.IsTransformed)
        {
            var outboxId = store.Requeue(deadLetter with { Anonymous = !durable.IsKnown(deadLetter.PacingKey!) }, time.GetUtcNow());
            metrics.OnQueued();
            worker.Wake();
            return new ReplayResult(id, "queued", outboxId, null);
        }

        return await ReplayTransformAsync(deadLetter);
    }

    public async Task<IReadOnlyList<ReplayResult>> ReplayAllAsync(int limit)
    {
        var results = new List<ReplayResult>();
        foreach (var deadLetter in store.List(limit))
        {
            results.Add(await ReplayAsync(deadLetter.Id));
        }

        return results;
    }

    private async Task<ReplayResult> ReplayTransformAsync(DeadLetter deadLetter)
    {
        if (!proxy.TryGetRoute(deadLetter.Route, out var state) || state.Config.GetTransformName() is not { } transform)
        {
            return new ReplayResult(deadLetter.Id, "failed", null, $"route '{deadLetter.Route}' or its transform is not loaded");
        }

        var route = IngestRoute.From(state.Config, transform, scripting.Value.MaxBodyBytes, credentials.HiddenHeaders(state.Config));
        var request = ToRequest(deadLetter, BodyLimits.From(scripting.Value));
        var now = time.GetUtcNow();
        switch (runner.Run(route, request, now))
        {
            case null:
                return new ReplayResult(deadLetter.Id, "failed", null, $"route '{deadLetter.Route}' or its transform is not loaded");
            case TransformOutcome.Forward forward:
                var outboxId = await durable.EnqueueAsync(route.RouteId, route.ClusterId, request, forward.Request, route.HiddenHeaders, now);
                store.Delete(deadLetter.Id);
                return new ReplayResult(deadLetter.Id, "queued", outboxId, null);
            case TransformOutcome.Drop drop:
                store.Delete(deadLetter.Id);
                return new ReplayResult(deadLetter.Id, "dropped", null, drop.Reason);
            case TransformOutcome.Fail fail:
                var reason = fail.Failure.Describe();
                store.UpdateReason(deadLetter.Id, reason, now);
                return new ReplayResult(deadLetter.Id, "failed", null, reason);
            default:
                throw new InvalidOperationException("unknown outcome");
        }
    }

    private static IncomingRequest ToRequest(DeadLetter deadLetter, BodyLimits limits)
    {
        var split = deadLetter.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = split < 0 ? deadLetter.PathAndQuery : deadLetter.PathAndQuery[..split];
        var query = split < 0
            ? new Dictionary<string, string>()
            : QueryHelpers.ParseQuery(deadLetter.PathAndQuery[split..]).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        var kind = TransformBody.KindOf(deadLetter.Headers.GetValueOrDefault("content-type"), deadLetter.Body.Length);
        // A valid JSON body is parsed once, here: the script reads this document.
        ParsedJson? parsed = null;
        byte[]? converted = null;
        if ((kind == TransformBodyKind.Json && (!System.Text.Unicode.Utf8.IsValid(deadLetter.Body) || JsonText.DescribeInvalid(deadLetter.Body, limits.MaxDepth, out parsed) is not null))
            || (kind == TransformBodyKind.Xml && XmlBody.DescribeInvalid(deadLetter.Body, limits, out converted) is not null)
            || (kind == TransformBodyKind.Form && FormBody.DescribeInvalid(deadLetter.Body, limits.MaxNodes) is not null))
        {
            // A body refused as JSON or XML reaches the script as text, so that a fixed transform can repair it.
            kind = TransformBodyKind.Text;
        }

        var headers = new Dictionary<string, string>(deadLetter.Headers, StringComparer.OrdinalIgnoreCase);
        return new IncomingRequest(deadLetter.Method, path, query, headers, deadLetter.RouteValues, new TransformBody(kind, deadLetter.Body) { Parsed = parsed, Converted = converted })
        {
            RawQuery = split < 0 ? string.Empty : deadLetter.PathAndQuery[split..],
        };
    }
}
