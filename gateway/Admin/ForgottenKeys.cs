namespace HaloIlertGateway.Admin;

/// <summary>How many refused integration keys were forgotten (they are on probation again).</summary>
internal sealed record ForgottenKeys(long Forgotten);
