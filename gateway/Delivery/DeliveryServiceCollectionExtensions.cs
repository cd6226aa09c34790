using HaloIlertGateway.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaloIlertGateway.Delivery;

internal static class DeliveryServiceCollectionExtensions
{
    /// <summary>The outbox, its worker, pacing and dead letters, with <see cref="DeliveryOptions"/> validated on start.</summary>
    public static IServiceCollection AddGatewayDelivery(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxStore>();
        services.TryAddSingleton<OutboundCredentials>();
        services.TryAddSingleton<DeliverySender>();
        services.TryAddSingleton<DeliveryPacer>();
        services.TryAddSingleton<DeliveryMetrics>();
        services.TryAddSingleton<DeliveryAttempts>();
        services.TryAddSingleton<DeliveryWorker>();
        services.TryAddSingleton<DurableDelivery>();
        services.TryAddSingleton<DeadLetters>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryWorker>());
        return services;
    }
}
