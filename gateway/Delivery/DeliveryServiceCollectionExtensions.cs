using HaloIlertGateway.Delivery.Sqlite;
using HaloIlertGateway.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaloIlertGateway.Delivery;

internal static class DeliveryServiceCollectionExtensions
{
    /// <summary>The outbox and dead letters (SQLite), the queue in front of them, the worker and pacing, with <see cref="DeliveryOptions"/> validated on start.</summary>
    public static IServiceCollection AddGatewayDelivery(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<SqliteOutbox>();
        services.TryAddSingleton<IOutbox>(provider => provider.GetRequiredService<SqliteOutbox>());
        services.TryAddSingleton<IDeadLetterStore, SqliteDeadLetterStore>();
        services.TryAddSingleton<OutboundCredentials>();
        services.TryAddSingleton<DeliverySender>();
        services.TryAddSingleton<DeliveryPacer>();
        services.TryAddSingleton<DeliveryMetrics>();
        services.TryAddSingleton<StoreFaults>();
        services.TryAddSingleton<DeliveryAttempts>();
        services.TryAddSingleton<DeliveryWorker>();
        services.TryAddSingleton<DeliveryQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryWorker>());
        return services;
    }

    /// <summary>
    /// Opens the outbox before anything can route to it, so that a database that cannot be opened, or that another
    /// gateway holds, stops the start with its path and the cause (not as a failure to apply the proxy configuration).
    /// </summary>
    public static WebApplication OpenOutbox(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<IOutbox>();
        return app;
    }
}
