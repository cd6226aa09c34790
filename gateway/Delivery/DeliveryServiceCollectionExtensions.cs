using HaloIlertGateway.Delivery.Postgres;
using HaloIlertGateway.Delivery.Sqlite;
using HaloIlertGateway.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

internal static class DeliveryServiceCollectionExtensions
{
    /// <summary>The outbox and dead letters (SQLite, or PostgreSQL for a cluster), the queue in front of them, the worker and pacing, with <see cref="DeliveryOptions"/> validated on start.</summary>
    public static IServiceCollection AddGatewayDelivery(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Both stores are registered; the provider chosen decides which one is ever built.
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<SqliteOutbox>();
        services.TryAddSingleton<SqliteDeadLetterStore>();
        services.TryAddSingleton<PostgresDatabase>();
        services.TryAddSingleton<PostgresOutbox>();
        services.TryAddSingleton<PostgresDeadLetterStore>();
        services.TryAddSingleton<PostgresPacer>();
        services.TryAddSingleton<IOutbox>(provider => IsShared(provider) ? provider.GetRequiredService<PostgresOutbox>() : provider.GetRequiredService<SqliteOutbox>());
        services.TryAddSingleton<IDeadLetterStore>(provider => IsShared(provider) ? provider.GetRequiredService<PostgresDeadLetterStore>() : provider.GetRequiredService<SqliteDeadLetterStore>());
        services.TryAddSingleton<IDeliveryPacer>(provider => IsShared(provider) ? provider.GetRequiredService<PostgresPacer>() : provider.GetRequiredService<DeliveryPacer>());
        services.TryAddSingleton<IStoreDatabase>(provider => IsShared(provider) ? provider.GetRequiredService<PostgresDatabase>() : provider.GetRequiredService<SqliteDatabase>());
        services.TryAddSingleton<KeyClassStore>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<DeliveryKeys>();
        services.TryAddSingleton<IReplayGuard, ReplayGuardStore>();
        services.TryAddSingleton<StoreUpkeep>();
        services.AddHostedService(provider => provider.GetRequiredService<StoreUpkeep>());
        services.TryAddSingleton<ReplicaIdentity>();
        services.TryAddSingleton<SingleReplica>();
        services.TryAddSingleton<PostgresReplicas>();
        services.TryAddSingleton<IReplicaDirectory>(provider => IsShared(provider) ? provider.GetRequiredService<PostgresReplicas>() : provider.GetRequiredService<SingleReplica>());
        services.AddHostedService(provider => provider.GetRequiredService<PostgresReplicas>());
        services.TryAddSingleton<OutboundCredentials>();
        services.TryAddSingleton<DeliverySender>();
        services.TryAddSingleton<DeliveryPacer>();
        services.TryAddSingleton<DeliveryMetrics>();
        services.TryAddSingleton<StoreFaultReporter>();
        services.TryAddSingleton<DeliveryAttempts>();
        services.TryAddSingleton<DeliveryWorker>();
        services.TryAddSingleton<DeliveryQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryWorker>());
        services.TryAddSingleton<StoreSignals>();
        services.AddHostedService<PostgresOutboxListener>();
        return services;
    }

    /// <summary>
    /// Opens the outbox before anything can route to it, so that a database that cannot be opened, or that another
    /// gateway holds, stops the start with its path and the cause (not as a failure to apply the proxy configuration).
    /// </summary>
    public static WebApplication OpenOutbox(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<IOutbox>();
        if (IsShared(app.Services))
        {
            // A shared database may be down at start: the gateway starts anyway, Unhealthy, and answers 503 until it is up.
            app.Services.GetRequiredService<PostgresDatabase>().TryOpenAtStart();
        }

        return app;
    }

    private static bool IsShared(IServiceProvider provider) => provider.GetRequiredService<IOptions<StoreOptions>>().Value.Provider == StoreProvider.Postgres;
}
