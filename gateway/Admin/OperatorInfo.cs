namespace HaloIlertGateway.Admin;

/// <summary>What the operator page may offer: saving edited scripts (only with a management token), and demo mode's receiver.</summary>
internal sealed record OperatorInfo(bool CanSave, bool Demo);
