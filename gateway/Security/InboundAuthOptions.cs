namespace HaloIlertGateway.Security;

/// <summary>
/// One inbound credential check, <c>Gateway:InboundAuth:&lt;name&gt;</c>; a route requires it with
/// <c>"AuthorizationPolicy": "&lt;name&gt;"</c>. The accepted values come from <see cref="Secrets"/> (several at once,
/// for rotation), never from this file.
/// </summary>
public sealed class InboundAuthOptions
{
    public const string SectionName = "Gateway:InboundAuth";

    /// <summary><c>ApiKey</c> (a header, <see cref="Header"/>), <c>Bearer</c> or <c>Basic</c> (the Authorization header).</summary>
    public InboundAuthKind Kind { get; set; } = InboundAuthKind.ApiKey;

    /// <summary>The header an <c>ApiKey</c> arrives in. Default <c>X-Api-Key</c>.</summary>
    public string Header { get; set; } = "X-Api-Key";

    /// <summary>For <c>Basic</c>: the user name that must accompany the password; null accepts any user name.</summary>
    public string? Username { get; set; }

    /// <summary>Secret references (<c>env:NAME</c>, <c>file:/path</c>) whose values are accepted.</summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>The request header that carries this credential (removed before forwarding, hidden from scripts).</summary>
    public string CredentialHeader => Kind == InboundAuthKind.ApiKey ? Header : "Authorization";
}

public enum InboundAuthKind
{
    ApiKey,
    Bearer,
    Basic,
}
