namespace HaloIlertGateway.Delivery;

/// <summary>An event stored under <paramref name="Id"/>, and the answer of its immediate attempt when there is one for the client.</summary>
internal sealed record Submission(long Id, DeliveryResult? Answer);
