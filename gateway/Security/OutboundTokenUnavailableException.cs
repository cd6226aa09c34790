namespace HaloIlertGateway.Security;

/// <summary>
/// An outbound credential's token could not be obtained. The message names the credential and the problem (a status,
/// the OAuth2 error code, no answer), never the client secret or a token: it may be logged and stored as an event's
/// last error. The caller tries again later: a request is answered 503, a queued event stays queued.
/// </summary>
public sealed class OutboundTokenUnavailableException : Exception
{
    public OutboundTokenUnavailableException()
        : this("?", "no token")
    {
    }

    public OutboundTokenUnavailableException(string message)
        : base(message)
    {
        AuthName = "?";
    }

    public OutboundTokenUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        AuthName = "?";
    }

    public OutboundTokenUnavailableException(string authName, string problem)
        : base($"Outbound auth '{authName}': {problem}")
    {
        AuthName = authName;
    }

    /// <summary>The name of the credential, <c>Gateway:OutboundAuth:&lt;name&gt;</c>.</summary>
    public string AuthName { get; }
}
