namespace HaloIlertGateway.Delivery;

/// <summary>
/// A page of the audit trail, newest first; <see cref="Next"/> is the <c>before</c> of the page that follows, or null
/// when there is none.
/// </summary>
internal sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Next);
