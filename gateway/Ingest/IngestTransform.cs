using HaloIlertGateway.Diagnostics;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// The YARP request transform of a route with <c>"JsTransform": "&lt;name&gt;"</c>, the whole story of a webhook in
/// three steps: read the request (<see cref="IngestIntake"/>: admitted, bounded, or refused), run the route's transform
/// (<see cref="RouteTransformRunner"/>), and decide what its outcome comes to (<see cref="TransformOutcomeHandler"/>:
/// forward, queue, drop or fail).
/// </summary>
internal sealed class IngestTransform(
    IngestRoute route,
    IngestIntake intake,
    RouteTransformRunner runner,
    TransformOutcomeHandler outcomes,
    TimeProvider time) : RequestTransform
{
    public override async ValueTask ApplyAsync(RequestTransformContext context)
    {
        using var span = GatewayActivitySource.Source.StartActivity("ingest");
        span?.SetTag("gateway.route", route.RouteId);
        span?.SetTag("gateway.transform", route.Transform);
        var receivedAt = time.GetUtcNow();
        if (await intake.ReadAsync(context, route) is not { } request)
        {
            return;
        }

        await outcomes.HandleAsync(context, route, request, runner.Run(route, request, receivedAt), receivedAt);
    }
}
