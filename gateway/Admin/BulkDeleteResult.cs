namespace HaloIlertGateway.Admin;

/// <summary>How many dead letters a bulk delete removed.</summary>
internal sealed record BulkDeleteResult(long Deleted);
