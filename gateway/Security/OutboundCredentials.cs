using Yarp.ReverseProxy;

namespace HaloIlertGateway.Security;

/// <summary>
/// Injects a route's <c>InjectCredential</c> headers into a request the gateway sends itself (durable delivery),
/// reading the secrets at that moment: nothing secret is ever stored with a queued event.
/// </summary>
internal sealed class OutboundCredentials(IProxyStateLookup proxy, SecretStore store)
{
    /// <summary>False when a secret the route needs cannot be read (the attempt should be retried later).</summary>
    public bool TryApply(string routeId, HttpRequestMessage request)
    {
        if (!proxy.TryGetRoute(routeId, out var route))
        {
            return true;
        }

        foreach (var transform in route.Config.Transforms ?? [])
        {
            if (!transform.TryGetValue(InjectCredentialTransformFactory.Key, out var header))
            {
                continue;
            }

            if (!SecretReference.TryParse(transform.GetValueOrDefault(InjectCredentialTransformFactory.SecretKey), out var reference) || store.Read(reference!) is not { } value)
            {
                return false;
            }

            request.Headers.Remove(header);
            request.Headers.TryAddWithoutValidation(header, transform.GetValueOrDefault(InjectCredentialTransformFactory.PrefixKey) + value);
        }

        return true;
    }
}
