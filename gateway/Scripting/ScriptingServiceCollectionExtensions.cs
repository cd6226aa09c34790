using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaloIlertGateway.Scripting;

internal static class ScriptingServiceCollectionExtensions
{
    /// <summary>The transform catalog, runner and settings, with <see cref="ScriptingOptions"/> validated on start.</summary>
    public static IServiceCollection AddGatewayScripting(this IServiceCollection services)
    {
        services.AddOptions<ScriptingOptions>().BindConfiguration(ScriptingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ScriptCatalog>();
        services.TryAddSingleton<TransformRunner>();
        services.TryAddSingleton<TransformLoader>();
        services.TryAddSingleton<TransformSettingsProvider>();
        return services;
    }

    /// <summary>Registers the <c>JsTransform</c> route transform with YARP.</summary>
    public static IReverseProxyBuilder AddJsTransforms(this IReverseProxyBuilder builder)
    {
        builder.AddTransformFactory<JsTransformFactory>();
        return builder;
    }
}
