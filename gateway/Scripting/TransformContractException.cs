namespace HaloIlertGateway.Scripting;

/// <summary>A script broke the transform contract (returned the wrong shape, changed what it may not).</summary>
internal sealed class TransformContractException(string message) : Exception(message);
