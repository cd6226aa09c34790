using HaloIlertGateway.Delivery;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Admin;

/// <summary>
/// <c>GET /_gateway/delivery</c> (counters, outbox depth and oldest age), <c>GET /_gateway/outbox</c>,
/// <c>GET /_gateway/deadletters[/{id}]</c>, <c>POST /_gateway/deadletters/{id}/replay</c>,
/// <c>POST /_gateway/deadletters/replay</c> (all), <c>DELETE /_gateway/deadletters/{id}</c>, <c>GET /_gateway/cluster</c>
/// (the replicas sharing the store and which holds which lease). Listings are redacted.
/// </summary>
internal sealed class DeliveryEndpoints(
    IOutbox outbox, IDeadLetterStore store, IReplicaDirectory replicas, ReplicaIdentity replica, DeliveryMetrics metrics, DeadLetters deadLetters, SecretStore secrets,
    IOptions<StoreOptions> storeOptions, TimeProvider time)
{
    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, IServiceProvider gateway)
    {
        var api = ActivatorUtilities.CreateInstance<DeliveryEndpoints>(gateway);
        endpoints.MapGet("/_gateway/delivery", api.Summary);
        endpoints.MapGet("/_gateway/outbox", api.ListOutbox);
        endpoints.MapGet("/_gateway/cluster", api.Cluster);
        var dead = endpoints.MapGroup("/_gateway/deadletters");
        dead.MapGet("/", api.ListDeadLetters);
        dead.MapGet("/{id:long}", api.GetDeadLetter);
        dead.MapPost("/{id:long}/replay", api.ReplayAsync);
        dead.MapPost("/replay", api.ReplayAllAsync);
        dead.MapDelete("/{id:long}", api.Delete);
        return endpoints;
    }

    public Ok<DeliverySummary> Summary()
    {
        var (depth, oldest) = outbox.Stats();
        return TypedResults.Ok(new DeliverySummary(
            metrics.Queued, metrics.Delivered, metrics.Retried, metrics.DeadLettered, depth,
            oldest is { } at ? (time.GetUtcNow() - at).TotalSeconds : 0, store.Count()));
    }

    public Ok<ClusterView> Cluster() =>
        TypedResults.Ok(new ClusterView(storeOptions.Value.Provider.ToString(), replica.Name, replicas.List(), outbox.Leases(time.GetUtcNow())));

    public Ok<IEnumerable<OutboxEventView>> ListOutbox(int? limit) =>
        TypedResults.Ok(outbox.List(limit ?? DefaultLimit).Select(m => DeliveryView.Outbox(m, secrets.KnownValues)));

    public Ok<IEnumerable<DeadLetterView>> ListDeadLetters(int? limit) =>
        TypedResults.Ok(store.List(limit ?? DefaultLimit).Select(d => DeliveryView.Dead(d, secrets.KnownValues, withBody: false)));

    public Results<Ok<DeadLetterView>, ProblemHttpResult> GetDeadLetter(long id) =>
        store.Get(id) is { } d ? TypedResults.Ok(DeliveryView.Dead(d, secrets.KnownValues, withBody: true)) : NotFound(id);

    public async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAsync(long id) =>
        await deadLetters.ReplayAsync(id) is { Outcome: not "not-found" } result ? TypedResults.Ok(result) : NotFound(id);

    public async Task<Ok<IReadOnlyList<ReplayResult>>> ReplayAllAsync(int? limit) => TypedResults.Ok(await deadLetters.ReplayAllAsync(limit ?? 1000));

    public Results<NoContent, ProblemHttpResult> Delete(long id) => store.Delete(id) ? TypedResults.NoContent() : NotFound(id);

    private static ProblemHttpResult NotFound(long id) => GatewayProblems.NotFoundResult($"No dead letter {id}.", "Not found.");
}
