using System.Diagnostics;

namespace HaloIlertGateway.Diagnostics;

/// <summary>
/// The gateway's spans: <c>ingest</c> (a webhook on a transform route), <c>transform</c> (one run), <c>outbox.write</c>
/// (storing an event) and <c>delivery.attempt</c> (each send to ilert; a later attempt continues the trace of the
/// request that queued the event). Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class GatewayActivitySource
{
    public const string Name = "HaloIlertGateway";

    public static ActivitySource Source { get; } = new(Name);
}
