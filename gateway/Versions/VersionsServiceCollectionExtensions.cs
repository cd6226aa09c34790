using HaloIlertGateway.Scripting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Versions;

internal static class VersionsServiceCollectionExtensions
{
    /// <summary>
    /// The versions of every transform in the store, the publisher, and where the serving truth lives
    /// (<see cref="TransformSourceOptions.Source"/>, chosen here once): the recorder of file versions, or the store's
    /// versions served on every replica.
    /// </summary>
    public static IServiceCollection AddGatewayVersions(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TransformVersionStore>();
        services.TryAddSingleton<TransformPublisher>();
        services.TryAddSingleton<FileVersionRecorder>();
        services.TryAddSingleton<StoreTransformSource>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<IOptions<TransformSourceOptions>>().Value.Source == TransformSource.Store
            ? provider.GetRequiredService<StoreTransformSource>()
            : provider.GetRequiredService<FileVersionRecorder>());
        services.AddHealthChecks().AddCheck<TransformSourceCheck>("transform-versions", tags: [Observability.ObservabilityServiceCollectionExtensions.ReadyTag]);
        return services;
    }
}
