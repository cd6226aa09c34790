namespace HaloIlertGateway.RateLimiting;

/// <summary>The gateway's rate-limit policies, <c>Gateway:RateLimiting</c> in proxy.json.</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "Gateway:RateLimiting";

    public Dictionary<string, RateLimitPolicyOptions> Policies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A policy partitioned by client address (<c>PartitionBy: ip</c>) that every route whose own policy partitions by
    /// something the client chooses (a route value such as the integration key, or a header) is held to as well: any
    /// made-up key passes a per-key limit, so without it one client could send at will. Null: none.
    /// </summary>
    public string? ClientPolicy { get; set; }

    /// <summary>The problems with <see cref="ClientPolicy"/>; empty when it is usable.</summary>
    public IEnumerable<string> ClientPolicyProblems()
    {
        if (ClientPolicy is null)
        {
            yield break;
        }

        if (!Policies.TryGetValue(ClientPolicy, out var policy))
        {
            yield return $"{SectionName}:ClientPolicy names '{ClientPolicy}', which is not one of the Policies.";
        }
        else if (policy.PartitionBy != "ip")
        {
            yield return $"{SectionName}:ClientPolicy '{ClientPolicy}' must partition by ip (the client's address), not '{policy.PartitionBy}'.";
        }
    }
}
