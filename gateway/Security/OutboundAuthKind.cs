namespace HaloIlertGateway.Security;

/// <summary>How the gateway obtains a credential for an upstream it calls (<see cref="OutboundAuthOptions.Kind"/>).</summary>
public enum OutboundAuthKind
{
    /// <summary>OAuth2 client credentials (RFC 6749 §4.4): a token fetched with a client id and secret, and cached.</summary>
    ClientCredentials,
}
