using System.Net;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Who made a management request, as the sign-in decided it (a named user's token, an identity from a trusted proxy,
/// the shared token, or anyone on loopback when the port takes no token): the name written as a version's author and in
/// the audit trail, the role, and the client's address.
/// </summary>
internal sealed record ManagementActor(string Name, ManagementRole? Role, string? Address)
{
    /// <summary>The name of whoever calls a management port that takes no token (bound to loopback only).</summary>
    public const string Local = "local";

    /// <summary>The actor the sign-in set on <paramref name="context"/>; without one, an unnamed caller from its address.</summary>
    public static ManagementActor Of(HttpContext context) =>
        context.Features.Get<ManagementActor>() ?? new ManagementActor(Local, null, AddressOf(context.Connection.RemoteIpAddress));

    public static string? AddressOf(IPAddress? address) => (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString();
}
