namespace HaloIlertGateway.Admin;

/// <summary>A route as the operator page lists it: its match, cluster, policies, transform and delivery mode.</summary>
internal sealed record RouteView(
    string RouteId, string? Path, IReadOnlyList<string>? Methods, string? ClusterId, string? RateLimiterPolicy, string? AuthorizationPolicy,
    string? Transform, string Delivery);
