namespace HaloIlertGateway.Admin;

/// <summary>A script saved from the operator page: it passed the same checks as a file edit, is recorded as <see cref="Version"/> and serves.</summary>
internal sealed record SavedTransform(bool Saved, string Sha256, int Version);
