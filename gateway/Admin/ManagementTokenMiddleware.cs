using System.Net;
using System.Security.Cryptography;
using System.Text;
using HaloIlertGateway.Problems;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Who may call what on the management port. With <see cref="ManagementOptions.Token"/> set, every request carries
/// <c>Authorization: Bearer &lt;token&gt;</c> (the scheme in any case), except:
/// <list type="bullet">
/// <item>the operator page itself (<c>GET /</c>), a static shell with a sign-in box: it holds no data, and its
/// script sends the token the person types (kept in <c>sessionStorage</c>) with every call;</item>
/// <item>demo mode's receiver (<c>/_demo/ilert/</c>), which only exists in demo mode and stands in for ilert;</item>
/// <item>the probes (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>), which also take
/// <see cref="ManagementOptions.ReadToken"/>, or, when none is set, no token from a loopback client.</item>
/// </list>
/// The read-only token opens nothing else (403). Tokens are compared in constant time, as SHA-256 digests so that not
/// even the length leaks; a failure says only 401.
/// </summary>
internal static class ManagementTokenMiddleware
{
    internal static readonly string[] ProbePaths = ["/healthz", "/readyz", "/metrics"];

    /// <summary>The token check; in demo mode (<paramref name="demo"/>) its receiver (<see cref="DemoMode.ReceiverPath"/>) is open too.</summary>
    public static IApplicationBuilder UseManagementToken(this IApplicationBuilder app, ManagementOptions options, bool demo)
    {
        var admin = Digest(options.Token);
        var read = Digest(options.ReadToken);
        return app.Use(async (context, next) =>
        {
            var presented = Presented(context.Request);
            var isProbe = HttpMethods.IsGet(context.Request.Method) && ProbePaths.Contains(context.Request.Path.Value, StringComparer.OrdinalIgnoreCase);
            var isPage = HttpMethods.IsGet(context.Request.Method) && context.Request.Path == "/";
            // Demo mode's stand-in for ilert: the gateway's own delivery calls it, with no token (it holds nothing of value).
            // Only from this machine, where the gateway's own delivery runs.
            var isDemoReceiver = demo && IsLoopback(context.Connection.RemoteIpAddress)
                && context.Request.Path.StartsWithSegments(DemoMode.ReceiverPath.TrimEnd('/'), StringComparison.Ordinal);
            var allowed = admin is null // no token: the port is bound to loopback only (checked at start)
                || isPage
                || isDemoReceiver
                || Matches(admin, presented)
                || (isProbe && (Matches(read, presented) || (read is null && IsLoopback(context.Connection.RemoteIpAddress))));
            if (allowed)
            {
                await next(context);
                return;
            }

            if (Matches(read, presented))
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, GatewayProblems.Forbidden, "Forbidden.",
                    "The read-only token opens /healthz, /readyz and /metrics only.");
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            await GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, GatewayProblems.Unauthorized, "Unauthorized.");
        });
    }

    private static byte[]? Digest(string? token) => token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The bearer token of the request (scheme in any case, RFC 9110), or null.</summary>
    private static byte[]? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString().AsSpan().Trim();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim().ToString()))
            : null;
    }

    private static bool Matches(byte[]? expected, byte[]? presented) =>
        expected is not null && presented is not null && CryptographicOperations.FixedTimeEquals(expected, presented);

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
