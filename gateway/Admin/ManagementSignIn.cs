using System.Net;
using HaloIlertGateway.Problems;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Who is calling the management port, and whether they may: every request signs in as one of
/// <see cref="ManagementIdentities"/> (a bearer token, <c>Authorization: Bearer &lt;token&gt;</c> with the scheme in
/// any case, or a trusted proxy's <c>X-Forwarded-User</c>) and needs the role <see cref="RequiredRole"/> gives it.
/// The identity is then the request's <see cref="ManagementActor"/>. Open to anyone:
/// <list type="bullet">
/// <item>the operator page itself (<c>GET /</c>), a static shell with a sign-in box: it holds no data, and its
/// script sends the token the person types (kept in <c>sessionStorage</c>) with every call;</item>
/// <item>demo mode's receiver (<c>/_demo/ilert/</c>) from this machine, which only exists in demo mode and stands in
/// for ilert;</item>
/// <item>the probes (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>) to any identity, <c>ReadToken</c> (which opens
/// nothing else) included, or, when no <c>ReadToken</c> is set, to a loopback client without any;</item>
/// <item>everything, as <see cref="ManagementActor.Local"/> with the role admin, when nothing to sign in with is
/// configured (the port is then bound to loopback only, checked at start).</item>
/// </list>
/// No known credential: 401. A role too low, or none: 403 saying the role needed and the role held. Never a token.
/// </summary>
internal sealed partial class ManagementSignIn(ManagementIdentities identities, bool demo, ILogger<ManagementSignIn> logger)
{
    internal static readonly string[] ProbePaths = ["/healthz", "/readyz", "/metrics"];

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var remote = context.Connection.RemoteIpAddress;
        var isPage = HttpMethods.IsGet(request.Method) && request.Path == "/";
        // Demo mode's stand-in for ilert: the gateway's own delivery calls it, with no token (it holds nothing of value).
        // Only from this machine, where the gateway's own delivery runs.
        var isDemoReceiver = demo && IsLoopback(remote) && request.Path.StartsWithSegments(DemoMode.ReceiverPath.TrimEnd('/'), StringComparison.Ordinal);
        if (isPage || isDemoReceiver)
        {
            await next(context);
            return;
        }

        if (!identities.SignInRequired)
        {
            context.Features.Set(new ManagementActor(ManagementActor.Local, ManagementRole.Admin, ManagementActor.AddressOf(remote)));
            await next(context);
            return;
        }

        var actor = identities.Identify(context);
        if (actor is not null)
        {
            context.Features.Set(actor);
        }

        var isProbe = HttpMethods.IsGet(request.Method) && ProbePaths.Contains(request.Path.Value, StringComparer.OrdinalIgnoreCase);
        if (isProbe && (actor is not null || (!identities.HasProbeToken && IsLoopback(remote))))
        {
            await next(context);
            return;
        }

        if (actor is null)
        {
            await RefuseUnknownAsync(context, remote);
            return;
        }

        var needed = RequiredRole.For(request.Method, request.Path);
        if (actor.Role >= needed)
        {
            await next(context);
            return;
        }

        await RefuseAsync(context, actor, needed);
    }

    private Task RefuseUnknownAsync(HttpContext context, IPAddress? remote)
    {
        if (ManagementIdentities.ForwardedIdentity(context.Request) is not null && !identities.IsTrustedProxy(remote))
        {
            // Never believed from here; said so that a proxy missing from TrustedProxies is found.
            Log.ForwardedIdentityIgnored(logger, remote);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, GatewayProblems.Unauthorized, "Unauthorized.");
    }

    private Task RefuseAsync(HttpContext context, ManagementActor actor, ManagementRole needed)
    {
        var request = context.Request;
        var held = actor.Role is { } role ? ManagementRoleNames.Of(role) : null;
        var required = ManagementRoleNames.Of(needed);
        Log.Refused(logger, actor.Name, held ?? "none", required, request.Method, request.Path.Value);
        var detail = actor switch
        {
            { Role: not null } => $"{request.Method} {request.Path} needs the role {required}; {actor.Name} has the role {held}.",
            { Name: ManagementIdentityReader.ProbeName } => "The read-only token opens /healthz, /readyz and /metrics only.",
            _ => $"{actor.Name} is signed in, but has no role: give them one with {ManagementOptions.SectionName}:Users:<name>:Role (matched on the name or Email), "
                + $"or give every person the proxy signs in one with {ManagementOptions.SectionName}:ProxyUsersRole.",
        };
        return GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, GatewayProblems.Forbidden, "Forbidden.", detail,
            new Dictionary<string, object?> { ["user"] = actor.Name, ["role"] = held, ["requiredRole"] = required });
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Management request refused: {User} (role {Role}) may not {Method} {Path}, which needs the role {RequiredRole}")]
        public static partial void Refused(ILogger logger, string user, string role, string requiredRole, string method, string? path);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "A management request from {Address} named a person in X-Forwarded-User or X-Forwarded-Email, which only Gateway:Management:TrustedProxies are believed on; refused (401). If that address is your proxy, add it there")]
        public static partial void ForwardedIdentityIgnored(ILogger logger, IPAddress? address);
    }
}
