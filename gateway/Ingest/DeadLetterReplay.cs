using HaloIlertGateway.Delivery;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Security;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Replays dead letters: a delivery dead letter goes back into the outbox (behind its alert's pending events); a
/// request whose transform failed or that was refused runs again through the route's current transform
/// (<see cref="RouteTransformRunner.Run"/>, as a live request), once ops have fixed the transform or the sender.
/// </summary>
internal sealed class DeadLetterReplay(
    IDeadLetterStore store,
    DeliveryMetrics metrics,
    IOptions<ScriptingOptions> scripting,
    DurableIngest durable,
    DeliveryWorker worker,
    RouteTransformRunner runner,
    RouteCredentials credentials,
    IProxyStateLookup proxy,
    TimeProvider time)
{
    public async Task<ReplayResult> ReplayAsync(long id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } deadLetter)
        {
            return new ReplayResult(id, "not-found", null, "no such dead letter");
        }

        if (deadLetter.IsTransformed)
        {
            var anonymous = !await durable.IsKnownAsync(deadLetter.PacingKey!, cancellationToken);
            var outboxId = await store.RequeueAsync(deadLetter with { Anonymous = anonymous }, time.GetUtcNow(), cancellationToken);
            metrics.OnQueued();
            worker.Wake();
            return new ReplayResult(id, "queued", outboxId, null);
        }

        return await ReplayTransformAsync(deadLetter, cancellationToken);
    }

    public async Task<IReadOnlyList<ReplayResult>> ReplayAllAsync(int limit, CancellationToken cancellationToken)
    {
        var results = new List<ReplayResult>();
        foreach (var deadLetter in await store.ListAsync(limit, cancellationToken))
        {
            results.Add(await ReplayAsync(deadLetter.Id, cancellationToken));
        }

        return results;
    }

    private async Task<ReplayResult> ReplayTransformAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        if (!proxy.TryGetRoute(deadLetter.Route, out var state) || state.Config.GetTransformName() is not { } transform)
        {
            return new ReplayResult(deadLetter.Id, "failed", null, $"route '{deadLetter.Route}' or its transform is not loaded");
        }

        var route = IngestRoute.From(state.Config, transform, scripting.Value.MaxBodyBytes, credentials.HiddenHeaders(state.Config));
        var request = DeadLetterRequest.From(deadLetter, BodyLimits.From(scripting.Value));
        var now = time.GetUtcNow();
        switch (runner.Run(route, request, now))
        {
            case null:
                return new ReplayResult(deadLetter.Id, "failed", null, $"route '{deadLetter.Route}' or its transform is not loaded");
            case TransformOutcome.Forward forward:
                // Not the request's token, for the enqueue nor the delete: a commit that lands as the caller goes away
                // would leave the dead letter beside its queued event, and a later replay would queue it twice.
                var outboxId = await durable.EnqueueAsync(route.RouteId, route.ClusterId, request, forward.Request, route.HiddenHeaders, now, CancellationToken.None);
                await store.DeleteAsync(deadLetter.Id, CancellationToken.None);
                return new ReplayResult(deadLetter.Id, "queued", outboxId, null);
            case TransformOutcome.Drop drop:
                await store.DeleteAsync(deadLetter.Id, cancellationToken);
                return new ReplayResult(deadLetter.Id, "dropped", null, drop.Reason);
            case TransformOutcome.Fail fail:
                var reason = fail.Failure.Describe();
                await store.UpdateReasonAsync(deadLetter.Id, reason, now, cancellationToken);
                return new ReplayResult(deadLetter.Id, "failed", null, reason);
            default:
                throw new InvalidOperationException("unknown outcome");
        }
    }
}
