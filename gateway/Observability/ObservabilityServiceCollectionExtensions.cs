using HaloIlertGateway.Delivery;
using HaloIlertGateway.Diagnostics;
using OpenTelemetry.Trace;
using HaloIlertGateway.Scripting;
using OpenTelemetry.Metrics;

namespace HaloIlertGateway.Observability;

internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Meters ASP.NET Core, Kestrel, the rate limiter and HttpClient publish, plus the gateway's own.</summary>
    private static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "System.Net.Http",
        TransformMetrics.MeterName, DeliveryMetrics.MeterName,
    ];

    /// <summary>
    /// OpenTelemetry metrics: requests by route template and status, upstream status and latency, rate-limit
    /// decisions by policy, transform runs and durations, delivery counters and outbox gauges. Scraped by Prometheus
    /// on the management port; also exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// Readiness checks for the management port's <c>/readyz</c>.
    /// </summary>
    public static IServiceCollection AddGatewayObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(provider => new ReplicaResource(provider.GetRequiredService<ReplicaIdentity>())))
            // Spans: the request's (ASP.NET Core's, so an incoming traceparent is continued) and the gateway's own.
            // Always collected, so that a later delivery attempt's logs carry the trace id of the request that queued it.
            .WithTracing(tracing =>
            {
                tracing.AddSource(GatewayActivitySource.Name, "Microsoft.AspNetCore");
                if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(builder =>
        {
            builder.AddMeter(Meters).AddPrometheusExporter();
            if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                builder.AddOtlpExporter();
            }
        });
        services.AddHealthChecks()
            .AddCheck<TransformsReadyCheck>("transforms", tags: [ReadyTag])
            .AddCheck<OutboxWritableCheck>("outbox", tags: [ReadyTag])
            .AddCheck<ProxyConfigCheck>("config", tags: [ReadyTag])
            .AddCheck<WarmupCheck>("warmup", tags: [ReadyTag]);
        return services;
    }

    public const string ReadyTag = "ready";
}
