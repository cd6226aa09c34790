using System.Net;

namespace HaloIlertGateway.Http;

/// <summary>
/// Addresses and networks written in configuration as one list (<c>10.0.0.5</c>, <c>10.0.0.0/8</c>, <c>fd00::/8</c>),
/// read as networks: an address is the network of that address alone. Parsed by <see cref="IPNetwork"/>, as
/// <see cref="TrustedProxiesOptions.KnownNetworks"/> are. A client's IPv4-mapped IPv6 address is its IPv4 address.
/// </summary>
internal sealed class AddressRanges
{
    private readonly IReadOnlyList<IPNetwork> _networks;

    private AddressRanges(IReadOnlyList<IPNetwork> networks) => _networks = networks;

    public static AddressRanges None { get; } = new([]);

    public bool IsEmpty => _networks.Count == 0;

    /// <summary>
    /// The ranges of <paramref name="entries"/>; each entry that is neither an address nor a network in CIDR form is
    /// left out and said in <paramref name="errors"/>, named by <paramref name="setting"/>.
    /// </summary>
    public static AddressRanges Parse(IEnumerable<string> entries, string setting, ICollection<string> errors)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{setting}: '{entry}' is neither an IP address nor a network in CIDR form (such as 10.0.0.0/8).");
            }
        }

        return new AddressRanges(networks);
    }

    public static bool TryParse(string? entry, out IPNetwork network)
    {
        var text = entry?.Trim();
        if (IPAddress.TryParse(text, out var address) && !text!.Contains('/', StringComparison.Ordinal))
        {
            address = Normal(address);
            network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }

    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        address = Normal(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
