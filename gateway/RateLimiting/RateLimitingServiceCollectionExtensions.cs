using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaloIlertGateway.RateLimiting;

internal static class RateLimitingServiceCollectionExtensions
{
    /// <summary>
    /// ASP.NET Core's rate limiter with one policy per name in <c>Gateway:RateLimiting:Policies</c>, answering 429.
    /// The policies' settings reload with proxy.json; a new policy name takes a restart (YARP refuses a route naming
    /// an unknown policy, and the old config keeps serving).
    /// </summary>
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<RateLimitPolicies>();
        services.AddRateLimiter(options => options.RejectionStatusCode = StatusCodes.Status429TooManyRequests);
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>().Configure<RateLimitPolicies>((options, policies) =>
        {
            foreach (var name in RateLimitPolicies.DeclaredNames(configuration))
            {
                options.AddPolicy(name, new ConfiguredRateLimiterPolicy(name, policies));
            }

            // The client policy, as ASP.NET Core's global limiter: it runs before the route's own.
            var client = new ClientRateLimiter(policies);
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(client.GetPartition);
            options.OnRejected = client.OnRejected;
        });
        return services;
    }
}
