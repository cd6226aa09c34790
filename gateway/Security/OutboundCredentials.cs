using Yarp.ReverseProxy;

namespace HaloIlertGateway.Security;

/// <summary>
/// Injects a route's <c>InjectCredential</c> headers into a request the gateway sends itself (durable delivery),
/// reading the secrets and tokens at that moment: nothing secret is ever stored with a queued event.
/// </summary>
internal sealed class OutboundCredentials(IProxyStateLookup proxy, SecretStore store, OutboundAuthTokens tokens)
{
    /// <summary>
    /// Puts the route's credentials on <paramref name="request"/>. Not <see cref="AppliedCredentials.Complete"/> when a
    /// secret cannot be read or a token cannot be had now: the attempt should be retried later.
    /// </summary>
    public async ValueTask<AppliedCredentials> ApplyAsync(string routeId, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!proxy.TryGetRoute(routeId, out var route))
        {
            return AppliedCredentials.None;
        }

        var sent = new List<(string, string)>();
        foreach (var (header, credential) in InjectedCredential.Of(route.Config))
        {
            if (credential is null)
            {
                return new AppliedCredentials(false, $"the credential injected as {header} has no usable source", sent);
            }

            string? value;
            try
            {
                value = await credential.ReadAsync(store, tokens, cancellationToken);
            }
            catch (OutboundTokenUnavailableException ex)
            {
                return new AppliedCredentials(false, ex.Message, sent);
            }

            if (value is null)
            {
                return new AppliedCredentials(false, "an injected credential's secret is not available", sent);
            }

            request.Headers.Remove(header);
            request.Headers.TryAddWithoutValidation(header, credential.Prefix + value);
            if (credential.OutboundAuth is { } name)
            {
                sent.Add((name, value));
            }
        }

        return sent.Count == 0 ? AppliedCredentials.None : new AppliedCredentials(true, null, sent);
    }

    /// <summary>Drops the tokens a refused request carried (after a 401), so that the next attempt fetches new ones.</summary>
    public void Invalidate(AppliedCredentials applied)
    {
        foreach (var (name, token) in applied.Tokens)
        {
            tokens.Invalidate(name, token);
        }
    }
}
