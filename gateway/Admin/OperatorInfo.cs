namespace HaloIlertGateway.Admin;

/// <summary>
/// What the operator page may offer: saving edited scripts (to an identity that may edit, behind a sign-in, and not in a
/// cluster), demo mode's receiver, and who is signed in (null on a request that did not sign in).
/// </summary>
internal sealed record OperatorInfo(bool CanSave, bool Demo, OperatorUser? User);
