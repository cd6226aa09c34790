using HaloIlertGateway.Delivery;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Security;

namespace HaloIlertGateway.Admin;

internal static class DeliveryEndpoints
{
    private const int DefaultLimit = 100;

    /// <summary>
    /// <c>GET /_gateway/delivery</c> (counters, outbox depth and oldest age), <c>GET /_gateway/outbox</c>,
    /// <c>GET /_gateway/deadletters[/{id}]</c>, <c>POST /_gateway/deadletters/{id}/replay</c>,
    /// <c>POST /_gateway/deadletters/replay</c> (all), <c>DELETE /_gateway/deadletters/{id}</c>. Listings are redacted.
    /// </summary>
    public static IEndpointRouteBuilder MapDeliveryEndpoints(this IEndpointRouteBuilder endpoints, IServiceProvider gateway)
    {
        var outbox = gateway.GetRequiredService<IOutbox>();
        var store = gateway.GetRequiredService<IDeadLetterStore>();
        var metrics = gateway.GetRequiredService<DeliveryMetrics>();
        var deadLetters = gateway.GetRequiredService<DeadLetters>();
        var secrets = gateway.GetRequiredService<SecretStore>();
        var time = gateway.GetRequiredService<TimeProvider>();

        endpoints.MapGet("/_gateway/delivery", () =>
        {
            var (depth, oldest) = outbox.Stats();
            var dead = store.Count();
            return TypedResults.Ok(new
            {
                metrics.Queued,
                metrics.Delivered,
                metrics.Retried,
                metrics.DeadLettered,
                OutboxDepth = depth,
                OldestAgeSeconds = oldest is { } at ? (time.GetUtcNow() - at).TotalSeconds : 0,
                DeadLetters = dead,
            });
        });
        endpoints.MapGet("/_gateway/outbox", (int? limit) =>
            TypedResults.Ok(outbox.List(limit ?? DefaultLimit).Select(m => DeliveryView.Outbox(m, secrets.KnownValues))));

        var dead = endpoints.MapGroup("/_gateway/deadletters");
        dead.MapGet("/", (int? limit) =>
            TypedResults.Ok(store.List(limit ?? DefaultLimit).Select(d => DeliveryView.Dead(d, secrets.KnownValues, withBody: false))));
        dead.MapGet("/{id:long}", (long id) =>
            store.Get(id) is { } d ? Results.Ok(DeliveryView.Dead(d, secrets.KnownValues, withBody: true)) : NotFound(id));
        dead.MapPost("/{id:long}/replay", async (long id) =>
            await deadLetters.ReplayAsync(id) is var result && result.Outcome == "not-found" ? NotFound(id) : Results.Ok(result));
        dead.MapPost("/replay", async (int? limit) => TypedResults.Ok(await deadLetters.ReplayAllAsync(limit ?? 1000)));
        dead.MapDelete("/{id:long}", (long id) => store.Delete(id) ? Results.NoContent() : NotFound(id));
        return endpoints;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(long id) =>
        GatewayProblems.NotFoundResult($"No dead letter {id}.", "Not found.");
}
