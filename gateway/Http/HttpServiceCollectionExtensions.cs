using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Http;

internal static class HttpServiceCollectionExtensions
{
    /// <summary>
    /// The body budget of the public port (<see cref="LimitsOptions"/>) and the proxies whose forwarded headers are
    /// believed (<see cref="TrustedProxiesOptions"/>), validated on start.
    /// </summary>
    public static IServiceCollection AddGatewayLimits(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxiesOptions>().BindConfiguration(TrustedProxiesOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxiesOptions>>((forwarded, trusted) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = trusted.Value.ForwardLimit;
            // Only the proxies named: not even loopback by default.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in trusted.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in trusted.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateDataAnnotations()
            .Validate(limits => limits.MaxBufferedBodyBytesPerClient <= limits.MaxBufferedBodyBytes,
                $"{LimitsOptions.SectionName}:MaxBufferedBodyBytesPerClient must not be more than MaxBufferedBodyBytes.")
            .Validate(limits => limits.ReservedForKnownBytes < limits.MaxBufferedBodyBytes,
                $"{LimitsOptions.SectionName}:ReservedForKnownBytes must be less than MaxBufferedBodyBytes.")
            .ValidateOnStart();
        services.TryAddSingleton<BodyBudget>();
        return services;
    }

    /// <summary>Believes forwarded headers from the configured proxies only; with none configured, it is not in the pipeline at all.</summary>
    public static WebApplication UseGatewayForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TrustedProxiesOptions>>().Value.IsEnabled)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
