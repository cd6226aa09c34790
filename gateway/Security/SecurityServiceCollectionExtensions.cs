using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Security;

internal static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Secrets, and one authentication scheme plus authorization policy per inbound check declared in
    /// <c>Gateway:InboundAuth</c> (a route requires one with <c>"AuthorizationPolicy": "&lt;name&gt;"</c>). The checks'
    /// settings and secrets reload; a new check name takes a restart (YARP refuses routes naming it until then). And the
    /// outbound credentials of <c>Gateway:OutboundAuth</c>, whose tokens routes inject (read at start).
    /// </summary>
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SecretStore>();
        services.TryAddSingleton<CredentialRules>();
        services.TryAddSingleton<InboundAuthChecks>();
        services.TryAddSingleton<RouteCredentials>();
        // Outbound credentials (OAuth2 client credentials) by name, every one's problems reported together on start.
        services.AddOptions<OutboundAuthSettings>()
            .Configure<IConfiguration>((settings, configuration) => configuration.GetSection(OutboundAuthOptions.SectionName).Bind(settings.Named))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboundAuthSettings>, OutboundAuthSecretsValidation>());
        services.AddHttpClient(ClientCredentialsTokenProvider.HttpClientName);
        services.TryAddSingleton<OutboundAuthTokens>();

        // The names are read when the options are first needed, from the final configuration.
        services.AddAuthentication();
        services.AddOptions<AuthenticationOptions>().Configure<InboundAuthChecks>((options, checks) =>
        {
            foreach (var name in checks.Names)
            {
                options.AddScheme(name, scheme => scheme.HandlerType = typeof(InboundAuthHandler));
            }
        });
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<InboundAuthChecks>((options, checks) =>
        {
            foreach (var name in checks.Names)
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
