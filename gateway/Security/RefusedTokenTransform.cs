using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Security;

/// <summary>
/// On a route that injects an outbound credential's token: when the upstream answers 401, the token the request
/// carried is dropped, so that the client's next request goes with a new one (YARP does not retry; durable delivery
/// retries at once, <see cref="OutboundCredentials"/>).
/// </summary>
internal sealed class RefusedTokenTransform(InjectedCredential credential, OutboundAuthTokens tokens) : ResponseTransform
{
    public override ValueTask ApplyAsync(ResponseTransformContext context)
    {
        if (context.ProxyResponse is { StatusCode: System.Net.HttpStatusCode.Unauthorized, RequestMessage: { } sent }
            && sent.Headers.TryGetValues(credential.Header, out var values)
            && values.FirstOrDefault() is { } value && value.StartsWith(credential.Prefix, StringComparison.Ordinal))
        {
            tokens.Invalidate(credential.OutboundAuth!, value[credential.Prefix.Length..]);
        }

        return ValueTask.CompletedTask;
    }
}
