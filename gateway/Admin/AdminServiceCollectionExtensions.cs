using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaloIlertGateway.Admin;

internal static class AdminServiceCollectionExtensions
{
    /// <summary>The management port (its own server, loopback by default), with <see cref="ManagementOptions"/> validated on start.</summary>
    public static IServiceCollection AddGatewayManagement(this IServiceCollection services)
    {
        services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ManagementServer>();
        services.TryAddSingleton<RecentRequests>();
        services.AddHostedService(provider => provider.GetRequiredService<ManagementServer>());
        return services;
    }
}
