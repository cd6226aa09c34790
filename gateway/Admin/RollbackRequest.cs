namespace HaloIlertGateway.Admin;

/// <summary><c>POST /_gateway/transforms/{name}/rollback</c>: the version whose content serves again, as a new version, and why.</summary>
internal sealed record RollbackRequest(int Version, string? Message);
