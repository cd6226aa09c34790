using System.Globalization;
using System.Threading.RateLimiting;
using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace HaloIlertGateway.RateLimiting;

/// <summary>
/// ASP.NET Core rate-limiter policy <paramref name="name"/>, whose kind, limits and partition come from the live
/// <see cref="RateLimitPolicies"/>: a reload changes them without a restart (the generation in the partition key
/// gives every partition a fresh limiter with the new settings). Rejections are 429 problems with Retry-After.
/// </summary>
internal sealed class ConfiguredRateLimiterPolicy(string name, RateLimitPolicies policies) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => Reject;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var (policy, generation) = policies.Get(name);
        if (policy is null)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var key = $"{generation}|{PartitionValue(policy, httpContext)}";
        return policy.Kind switch
        {
            RateLimitKind.FixedWindow => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = policy.PermitLimit,
                Window = policy.Window,
                QueueLimit = policy.QueueLimit,
            }),
            RateLimitKind.SlidingWindow => RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = policy.PermitLimit,
                Window = policy.Window,
                SegmentsPerWindow = policy.SegmentsPerWindow,
                QueueLimit = policy.QueueLimit,
            }),
            _ => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = policy.TokenLimit,
                TokensPerPeriod = policy.TokensPerPeriod,
                ReplenishmentPeriod = policy.ReplenishmentPeriod,
                QueueLimit = policy.QueueLimit,
            }),
        };
    }

    private static string PartitionValue(RateLimitPolicyOptions policy, HttpContext context) => policy.PartitionBy switch
    {
        ['r', 'o', 'u', 't', 'e', ':', .. var value] => Convert.ToString(context.Request.RouteValues[value], CultureInfo.InvariantCulture) ?? string.Empty,
        ['h', 'e', 'a', 'd', 'e', 'r', ':', .. var header] => context.Request.Headers[header].ToString(),
        _ => Http.ClientAddress.Of(context),
    };

    private async ValueTask Reject(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var (policy, _) = policies.Get(name);
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? wait
            : policy?.Kind == RateLimitKind.TokenBucket ? policy.ReplenishmentPeriod : policy?.Window ?? TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, GatewayProblems.RateLimited, "Too many requests.",
            $"Retry after {seconds} s.", new Dictionary<string, object?> { ["policy"] = name });
    }
}
