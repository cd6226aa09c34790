namespace HaloIlertGateway.Delivery;

/// <summary>A running claim on an outbox event: the replica attempting it (<c>host/pid</c>) and when the claim runs out.</summary>
internal sealed record Lease(long EventId, string Route, string Replica, DateTimeOffset Until);
