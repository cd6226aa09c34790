using System.ComponentModel.DataAnnotations;
using System.Net;

namespace HaloIlertGateway.Http;

/// <summary>
/// The proxies in front of the gateway whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (ASP.NET
/// Core's forwarded-headers middleware), so that per-client limits see the real client's address. Section
/// <c>Gateway:ForwardedHeaders</c>. Empty (the default): no forwarded header is believed from anyone, and the client
/// is the address that connected.
/// </summary>
public sealed class TrustedProxiesOptions : IValidatableObject
{
    public const string SectionName = "Gateway:ForwardedHeaders";

    /// <summary>Addresses of the proxies (load balancer, ingress) whose forwarded headers are believed, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR form, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies' entries of <c>X-Forwarded-For</c> are read, from the right. Default 1 (one proxy in front).</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public bool IsEnabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(proxy => !IPAddress.TryParse(proxy, out _)))
        {
            yield return new ValidationResult($"{SectionName}:KnownProxies: '{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(network => !IPNetwork.TryParse(network, out _)))
        {
            yield return new ValidationResult($"{SectionName}:KnownNetworks: '{network}' is not a network in CIDR form (such as 10.0.0.0/8).", [nameof(KnownNetworks)]);
        }
    }
}
