using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Admin;

internal static class AdminServiceCollectionExtensions
{
    /// <summary>
    /// The management port (its own server, loopback by default), with <see cref="ManagementOptions"/> and the
    /// identities it signs in (<see cref="ManagementIdentitiesValidation"/>) validated on start.
    /// </summary>
    public static IServiceCollection AddGatewayManagement(this IServiceCollection services)
    {
        services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ManagementOptions>, ManagementIdentitiesValidation>());
        services.TryAddSingleton<ManagementServer>();
        services.TryAddSingleton<RecentRequests>();
        services.AddHostedService(provider => provider.GetRequiredService<ManagementServer>());
        return services;
    }
}
