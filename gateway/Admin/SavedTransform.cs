namespace HaloIlertGateway.Admin;

/// <summary>A script saved from the operator page: it passed the same checks as a file edit and is on disk.</summary>
internal sealed record SavedTransform(bool Saved, string Sha256);
