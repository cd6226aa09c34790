namespace HaloIlertGateway.Security;

/// <summary>The inbound checks declared at start (<c>Gateway:InboundAuth</c>); each is an auth scheme and a policy of the same name.</summary>
internal sealed record InboundAuthSchemes(IReadOnlySet<string> Names);
