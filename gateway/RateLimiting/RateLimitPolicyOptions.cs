namespace HaloIlertGateway.RateLimiting;

/// <summary>
/// One named rate-limit policy, <c>Gateway:RateLimiting:Policies:&lt;name&gt;</c>; a route uses it with
/// <c>"RateLimiterPolicy": "&lt;name&gt;"</c>. Each partition (see <see cref="PartitionBy"/>) has its own limiter.
/// </summary>
public sealed class RateLimitPolicyOptions
{
    /// <summary><c>TokenBucket</c>, <c>FixedWindow</c> or <c>SlidingWindow</c>. Default <c>TokenBucket</c>.</summary>
    public RateLimitKind Kind { get; set; } = RateLimitKind.TokenBucket;

    /// <summary>
    /// What a partition is: <c>route:&lt;value&gt;</c> (a route value, e.g. <c>route:integrationKey</c>),
    /// <c>header:&lt;name&gt;</c>, or <c>ip</c> (the client address). Default <c>ip</c>.
    /// </summary>
    public string PartitionBy { get; set; } = "ip";

    /// <summary>FixedWindow / SlidingWindow: requests per window.</summary>
    public int PermitLimit { get; set; }

    /// <summary>FixedWindow / SlidingWindow: the window, e.g. <c>00:01:00</c>.</summary>
    public TimeSpan Window { get; set; }

    /// <summary>SlidingWindow: segments per window. Default 6.</summary>
    public int SegmentsPerWindow { get; set; } = 6;

    /// <summary>TokenBucket: the burst (bucket size).</summary>
    public int TokenLimit { get; set; }

    /// <summary>TokenBucket: tokens added every <see cref="ReplenishmentPeriod"/>.</summary>
    public int TokensPerPeriod { get; set; }

    /// <summary>TokenBucket: how often tokens are added, e.g. <c>00:00:01</c>.</summary>
    public TimeSpan ReplenishmentPeriod { get; set; }

    /// <summary>Requests that may wait for a permit instead of being refused at once. Default 0.</summary>
    public int QueueLimit { get; set; }

    /// <summary>The problems with this policy, each naming <paramref name="name"/>; empty when it is usable.</summary>
    public IEnumerable<string> Problems(string name)
    {
        var where = $"{RateLimitingOptions.SectionName}:Policies:{name}";
        if (PartitionBy != "ip" && !(PartitionBy.StartsWith("route:", StringComparison.Ordinal) || PartitionBy.StartsWith("header:", StringComparison.Ordinal)) || PartitionBy.EndsWith(':'))
        {
            yield return $"{where}: PartitionBy '{PartitionBy}' is not ip, route:<value> or header:<name>.";
        }

        if (QueueLimit < 0)
        {
            yield return $"{where}: QueueLimit must not be negative.";
        }

        switch (Kind)
        {
            case RateLimitKind.TokenBucket when TokenLimit <= 0 || TokensPerPeriod <= 0 || ReplenishmentPeriod <= TimeSpan.Zero:
                yield return $"{where}: a TokenBucket needs TokenLimit, TokensPerPeriod and ReplenishmentPeriod above zero.";
                break;
            case RateLimitKind.FixedWindow or RateLimitKind.SlidingWindow when PermitLimit <= 0 || Window <= TimeSpan.Zero:
                yield return $"{where}: a {Kind} needs PermitLimit and Window above zero.";
                break;
            case RateLimitKind.SlidingWindow when SegmentsPerWindow <= 0:
                yield return $"{where}: a SlidingWindow needs SegmentsPerWindow above zero.";
                break;
        }
    }
}

public enum RateLimitKind
{
    TokenBucket,
    FixedWindow,
    SlidingWindow,
}
