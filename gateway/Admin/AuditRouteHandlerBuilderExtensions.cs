namespace HaloIlertGateway.Admin;

internal static class AuditRouteHandlerBuilderExtensions
{
    /// <summary>
    /// Records every call of the endpoint in the audit trail as <paramref name="action"/> (<see cref="AuditedEndpointFilter"/>):
    /// for every endpoint that changes state. The handler may leave a short detail in
    /// <c>HttpContext.Items[AuditTrail.DetailKey]</c>; the target is the route's <c>name</c> or <c>id</c>.
    /// </summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder builder, string action)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        return builder.AddEndpointFilter(new AuditedEndpointFilter(action));
    }
}
