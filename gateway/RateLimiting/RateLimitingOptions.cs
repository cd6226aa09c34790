namespace HaloIlertGateway.RateLimiting;

/// <summary>The gateway's rate-limit policies, <c>Gateway:RateLimiting</c> in proxy.json.</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "Gateway:RateLimiting";

    public Dictionary<string, RateLimitPolicyOptions> Policies { get; set; } = new(StringComparer.Ordinal);
}
