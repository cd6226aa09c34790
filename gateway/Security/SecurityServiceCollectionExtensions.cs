using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Security;

internal static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Secrets, and one authentication scheme plus authorization policy per inbound check declared in
    /// <c>Gateway:InboundAuth</c> (a route requires one with <c>"AuthorizationPolicy": "&lt;name&gt;"</c>). The checks'
    /// settings and secrets reload; adding a new check name takes a restart.
    /// </summary>
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SecretStore>();
        services.TryAddSingleton<CredentialRules>();
        services.TryAddSingleton<RouteCredentials>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InboundAuthOptions>, InboundAuthOptionsValidator>());

        var names = configuration.GetSection(InboundAuthOptions.SectionName).GetChildren().Select(child => child.Key).ToHashSet(StringComparer.Ordinal);
        services.AddSingleton(new InboundAuthSchemes(names));
        var authentication = services.AddAuthentication();
        foreach (var name in names)
        {
            authentication.AddScheme<InboundAuthOptions, InboundAuthHandler>(name, displayName: null, configureOptions: null);
            services.AddOptions<InboundAuthOptions>(name).BindConfiguration($"{InboundAuthOptions.SectionName}:{name}").ValidateOnStart();
        }

        services.AddAuthorization(options =>
        {
            foreach (var name in names)
            {
                options.AddPolicy(name, policy => policy.AddAuthenticationSchemes(name).RequireAuthenticatedUser());
            }
        });
        return services;
    }

    /// <summary>Registers <c>InjectCredential</c> and the removal of inbound credentials with YARP.</summary>
    public static IReverseProxyBuilder AddCredentialTransforms(this IReverseProxyBuilder builder) =>
        builder.AddTransformFactory<InjectCredentialTransformFactory>().AddTransforms<InboundCredentialTransformProvider>();
}
