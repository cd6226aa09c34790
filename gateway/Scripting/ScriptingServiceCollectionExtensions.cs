using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaloIlertGateway.Scripting;

internal static class ScriptingServiceCollectionExtensions
{
    /// <summary>The sandbox: the transform catalog, runner, settings and metrics, with <see cref="ScriptingOptions"/> validated on start.</summary>
    public static IServiceCollection AddGatewayScripting(this IServiceCollection services)
    {
        services.AddOptions<ScriptingOptions>().BindConfiguration(ScriptingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TransformSourceOptions>().BindConfiguration(TransformSourceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TransformCatalog>();
        services.TryAddSingleton<TransformRunner>();
        services.TryAddSingleton<TransformLoader>();
        services.TryAddSingleton<TransformSettingsProvider>();
        services.AddMetrics();
        services.TryAddSingleton<TransformMetrics>();
        return services;
    }
}
