namespace HaloIlertGateway.Admin;

/// <summary>An outbox event as listed: path masked, header names only.</summary>
internal sealed record OutboxEventView(
    long Id, string Route, string Method, string Path, IEnumerable<string> HeaderNames, DateTimeOffset CreatedAt, int Attempts,
    DateTimeOffset? NextAttemptAt, string? LastError, int? LastStatus);
