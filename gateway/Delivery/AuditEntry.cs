namespace HaloIlertGateway.Delivery;

/// <summary>
/// One state-changing management action as the audit trail keeps it (the row is never changed once written):
/// <see cref="Id"/> in the order entries were written, when, who (<see cref="Actor"/>, and the client's
/// <see cref="Address"/>), the <see cref="Action"/> and what it acted on (<see cref="Target"/>: a transform's name, a
/// dead letter's id; never a path or anything that may hold an integration key, a token or a secret), the HTTP
/// <see cref="Status"/> answered and its <see cref="Outcome"/>, and a short <see cref="Detail"/>.
/// </summary>
internal sealed record AuditEntry(
    long Id, DateTimeOffset At, string Actor, string Action, string? Target, string? Address, int Status, string Outcome, string? Detail)
{
    /// <summary>Answered 2xx: the action was done.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Answered 4xx: the action was refused (not found, not allowed, invalid) and nothing changed.</summary>
    public const string Refused = "refused";

    /// <summary>Answered 5xx, or the handler threw: the action may or may not have been done.</summary>
    public const string Failed = "failed";
}
