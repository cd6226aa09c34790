using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaloIlertGateway.Ingest;

internal static class IngestServiceCollectionExtensions
{
    /// <summary>A webhook's path through the gateway: running a route's transform, durable forwarding, dead letters and replay.</summary>
    public static IServiceCollection AddGatewayIngest(this IServiceCollection services)
    {
        services.TryAddSingleton<RouteTransformRunner>();
        services.TryAddSingleton<DurableIngest>();
        services.TryAddSingleton<RequestDeadLetters>();
        services.TryAddSingleton<DeadLetterReplay>();
        services.TryAddSingleton<IngestIntake>();
        services.TryAddSingleton<TransformOutcomeHandler>();
        return services;
    }

    /// <summary>Registers the <c>JsTransform</c> route transform with YARP.</summary>
    public static IReverseProxyBuilder AddIngestTransforms(this IReverseProxyBuilder builder)
    {
        builder.AddTransformFactory<IngestTransformFactory>();
        builder.Services.AddSingleton<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory, TransformedBodyClientFactory>();
        return builder;
    }
}
