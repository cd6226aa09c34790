namespace HaloIlertGateway.Security;

/// <summary>
/// One inbound credential check, <c>Gateway:InboundAuth:&lt;name&gt;</c>; a route requires it with
/// <c>"AuthorizationPolicy": "&lt;name&gt;"</c>. The accepted values come from <see cref="Secrets"/> (several at once,
/// for rotation), never from this file.
/// </summary>
public sealed class InboundAuthOptions
{
    public const string SectionName = "Gateway:InboundAuth";

    /// <summary>
    /// <c>ApiKey</c> (a header, <see cref="Header"/>), <c>Bearer</c> or <c>Basic</c> (the Authorization header), or a
    /// sender's signature over the raw body: <c>ZendeskSignature</c>, <c>HubSignature</c> (Jira and WebSub-style
    /// senders), <c>AutotaskSignature</c>.
    /// </summary>
    public InboundAuthKind Kind { get; set; } = InboundAuthKind.ApiKey;

    /// <summary>
    /// The header the credential or signature arrives in. Defaults: <c>X-Api-Key</c> (ApiKey), <c>X-Hub-Signature</c>
    /// (HubSignature; GitHub-style senders use <c>X-Hub-Signature-256</c>), <c>X-Zendesk-Webhook-Signature</c>,
    /// <c>X-Hook-Signature</c> (Autotask). Bearer and Basic always read <c>Authorization</c>.
    /// </summary>
    public string? Header { get; set; }

    /// <summary>For <c>Basic</c>: the user name that must accompany the password; null accepts any user name.</summary>
    public string? Username { get; set; }

    /// <summary>Secret references (<c>env:NAME</c>, <c>file:/path</c>) whose values are accepted.</summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>For <c>ZendeskSignature</c>: how far the signed timestamp may be from now, either way. Default 5 minutes.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>For signature checks: the largest body read to verify it; a longer one gets 413. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// For signature checks: how long an accepted signature (and the sender's delivery id) is remembered, cluster-wide,
    /// so that the same signed request is refused as a replay. Default: twice <see cref="TimestampTolerance"/> for
    /// <c>ZendeskSignature</c> (an older timestamp is refused anyway), 7 days for the kinds that sign only the body.
    /// </summary>
    public TimeSpan? ReplayWindow { get; set; }

    /// <summary>
    /// For signature checks: the header that carries the sender's own id of a delivery, remembered with the signature.
    /// Defaults: <c>X-Atlassian-Webhook-Identifier</c> (HubSignature), <c>X-Zendesk-Webhook-Invocation-Id</c>
    /// (ZendeskSignature); Autotask sends none.
    /// </summary>
    public string? DeliveryIdHeader { get; set; }

    /// <summary>How long an accepted signature is remembered, with the default worked out.</summary>
    public TimeSpan ReplayWindowOrDefault => ReplayWindow ?? (Kind == InboundAuthKind.ZendeskSignature ? TimestampTolerance * 2 : TimeSpan.FromDays(7));

    /// <summary>The delivery-id header, with the default worked out; null when the sender sends none.</summary>
    public string? DeliveryIdHeaderOrDefault => DeliveryIdHeader ?? Kind switch
    {
        InboundAuthKind.HubSignature => "X-Atlassian-Webhook-Identifier",
        InboundAuthKind.ZendeskSignature => "X-Zendesk-Webhook-Invocation-Id",
        _ => null,
    };

    /// <summary>True for the kinds that sign the body (verified before anything reads it).</summary>
    public bool SignsBody => Kind is InboundAuthKind.ZendeskSignature or InboundAuthKind.HubSignature or InboundAuthKind.AutotaskSignature;

    /// <summary>The request header that carries this credential (removed before forwarding, hidden from scripts).</summary>
    public string CredentialHeader => Kind switch
    {
        InboundAuthKind.Bearer or InboundAuthKind.Basic => "Authorization",
        _ when !string.IsNullOrEmpty(Header) => Header,
        InboundAuthKind.HubSignature => "X-Hub-Signature",
        InboundAuthKind.ZendeskSignature => SignatureCheck.ZendeskSignatureHeader,
        InboundAuthKind.AutotaskSignature => "X-Hook-Signature",
        _ => "X-Api-Key",
    };
}

public enum InboundAuthKind
{
    ApiKey,
    Bearer,
    Basic,
    ZendeskSignature,
    HubSignature,
    AutotaskSignature,
}
