using System.Net;
using System.Security.Cryptography;
using System.Text;
using HaloIlertGateway.Http;
using Microsoft.Extensions.Primitives;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Who may sign in to the management port, as <see cref="ManagementIdentityReader"/> read it from configuration:
/// the identities that present a bearer token (held as SHA-256 digests and compared in constant time, so that not
/// even a token's length leaks), and the people a trusted proxy may name, with their roles.
/// </summary>
internal sealed class ManagementIdentities(
    bool signInRequired,
    IReadOnlyList<(string Name, ManagementRole? Role, byte[] Digest)> tokens,
    IReadOnlyList<(string Name, string? Email, ManagementRole Role)> people,
    ManagementRole? proxyUsersRole,
    AddressRanges trustedProxies)
{
    /// <summary>The headers a trusted proxy names a person by (oauth2-proxy's), the first that is set.</summary>
    public static readonly string[] ForwardedIdentityHeaders = ["X-Forwarded-User", "X-Forwarded-Email"];

    private const int MaxForwardedLength = 256;

    /// <summary>False when nothing is configured to sign in with: the port is loopback only and open to everyone on it.</summary>
    public bool SignInRequired => signInRequired;

    /// <summary>Whether a read-only token for the probes is set (without one, they answer loopback clients without any).</summary>
    public bool HasProbeToken => tokens.Any(token => token.Name == ManagementIdentityReader.ProbeName && token.Role is null);

    public bool HasTrustedProxies => !trustedProxies.IsEmpty;

    /// <summary>
    /// The identity <paramref name="context"/> signs in as: the owner of its bearer token, else the person a trusted
    /// proxy names (with the role of their entry in <c>Users</c>, else <c>ProxyUsersRole</c>, else none); null when
    /// neither.
    /// </summary>
    public ManagementActor? Identify(HttpContext context)
    {
        var address = ManagementActor.AddressOf(context.Connection.RemoteIpAddress);
        if (PresentedToken(context.Request) is { } presented)
        {
            (string Name, ManagementRole? Role)? found = null;
            foreach (var token in tokens)
            {
                // Every digest compared, the match or not, so that the time taken does not say which one matched.
                if (CryptographicOperations.FixedTimeEquals(token.Digest, presented))
                {
                    found = (token.Name, token.Role);
                }
            }

            if (found is { } identity)
            {
                return new ManagementActor(identity.Name, identity.Role, address);
            }
        }

        if (IsTrustedProxy(context.Connection.RemoteIpAddress) && ForwardedIdentity(context.Request) is { } forwarded)
        {
            var email = Single(context.Request.Headers[ForwardedIdentityHeaders[1]]);
            var person = people.FirstOrDefault(p => p.Email is not null && (Same(p.Email, email) || Same(p.Email, forwarded)));
            person = person.Name is null ? people.FirstOrDefault(p => Same(p.Name, forwarded)) : person;
            if (person.Name is not null)
            {
                return new ManagementActor(person.Name, person.Role, address);
            }

            // A name the gateway gives someone else (the shared token's user, the files' versions, ...) is not taken by
            // whoever the proxy names so: such a person has no role, and is recorded under the proxy's name for them.
            return IsReserved(forwarded)
                ? new ManagementActor("proxy:" + forwarded, null, address)
                : new ManagementActor(forwarded, proxyUsersRole, address);
        }

        return null;
    }

    public bool IsTrustedProxy(IPAddress? address) => trustedProxies.Contains(address);

    /// <summary>The names the gateway itself gives an actor or an author.</summary>
    private static readonly string[] ReservedNames =
        [ManagementActor.Local, ManagementIdentityReader.AdminName, ManagementIdentityReader.ProbeName, Versions.VersionOrigin.FilesAuthor];

    private static bool IsReserved(string name) => ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The person a proxy's headers name, whoever sent them; null when none does (or not as one short value).</summary>
    public static string? ForwardedIdentity(HttpRequest request) =>
        ForwardedIdentityHeaders.Select(header => Single(request.Headers[header])).FirstOrDefault(value => value is not null);

    public static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The digest of the request's bearer token (the scheme in any case, RFC 9110), or null.</summary>
    private static byte[]? PresentedToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString().AsSpan().Trim();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? Digest(header[scheme.Length..].Trim().ToString())
            : null;
    }

    private static string? Single(StringValues values) =>
        values is [{ } value] && value.Trim() is { Length: > 0 and <= MaxForwardedLength } trimmed ? trimmed : null;

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
