namespace HaloIlertGateway.Delivery;

/// <summary>
/// Which audit entries a listing reads, newest first: at most <see cref="Limit"/>, with ids below <see cref="Before"/>
/// (the page that follows one whose <see cref="AuditPage.Next"/> it is), of one <see cref="Actor"/>, of one
/// <see cref="Action"/>, written at or after <see cref="Since"/> and before <see cref="Until"/>; every condition given
/// must hold.
/// </summary>
internal sealed record AuditQuery(
    int Limit, long? Before = null, string? Actor = null, string? Action = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null);
