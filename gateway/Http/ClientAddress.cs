using System.Net;
using System.Net.Sockets;

namespace HaloIlertGateway.Http;

/// <summary>
/// A client as per-client limits count it: its IPv4 address (an IPv4-mapped IPv6 address is the IPv4 one), or its
/// IPv6 /64 (one host is given a whole /64, and would otherwise be as many clients as it likes). The address is the
/// connection's, or the one a trusted proxy named (forwarded headers).
/// </summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return string.Empty;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
