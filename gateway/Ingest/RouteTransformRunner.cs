using HaloIlertGateway.Diagnostics;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Runs a route's transform on a request: the version serving now (<see cref="TransformCatalog"/>), run by
/// <see cref="TransformRunner"/> with the route's settings, secrets and protected headers, counted in the transform
/// metrics. The live path and dead-letter replay both come here.
/// </summary>
internal sealed class RouteTransformRunner(TransformCatalog catalog, TransformRunner runner, TransformSettingsProvider settings, TransformMetrics metrics)
{
    /// <summary>The outcome, or null when the route's transform has no version serving.</summary>
    public TransformOutcome? Run(IngestRoute route, IncomingRequest request, DateTimeOffset receivedAt)
    {
        if (!catalog.TryGet(route.Transform, out var script))
        {
            return null;
        }

        using var span = GatewayActivitySource.Source.StartActivity("transform");
        span?.SetTag("gateway.transform", route.Transform);
        var outcome = runner.Run(script, request, settings.ContextFor(route.Transform, route.RouteId, receivedAt, request, route.HiddenHeaders));
        metrics.Record(route.Transform, outcome);
        span?.SetTag("gateway.outcome", outcome.GetType().Name.ToLowerInvariant());
        return outcome;
    }
}
