using Yarp.ReverseProxy.Configuration;

namespace HaloIlertGateway.Security;

/// <summary>Which request headers of a route carry credentials: the inbound check's and the injected ones.</summary>
internal sealed class RouteCredentials(InboundAuthChecks checks)
{
    /// <summary>The header the route's inbound check reads, or null when the route has none.</summary>
    public string? InboundHeader(RouteConfig route) =>
        route.AuthorizationPolicy is { } policy && checks.Get(policy) is { } check ? check.CredentialHeader : null;

    /// <summary>Headers a script of this route must not see or set.</summary>
    public IReadOnlySet<string> HiddenHeaders(RouteConfig route)
    {
        var hidden = new HashSet<string>(InjectCredentialTransformFactory.InjectedHeaders(route), StringComparer.OrdinalIgnoreCase);
        if (InboundHeader(route) is { } header)
        {
            hidden.Add(header);
        }

        return hidden;
    }
}
