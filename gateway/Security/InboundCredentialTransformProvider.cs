using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace HaloIlertGateway.Security;

/// <summary>
/// On every route with an inbound check, the header that carried the caller's credential is removed before
/// forwarding: it was for the gateway, not for ilert. (An injected credential in the same header replaces it anyway.)
/// </summary>
internal sealed class InboundCredentialTransformProvider(RouteCredentials credentials) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (credentials.InboundHeader(context.Route) is { } header
            && !InjectCredentialTransformFactory.InjectedHeaders(context.Route).Contains(header, StringComparer.OrdinalIgnoreCase))
        {
            context.AddRequestHeaderRemove(header);
        }
    }
}
