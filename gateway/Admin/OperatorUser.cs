namespace HaloIlertGateway.Admin;

/// <summary>Who the operator page is signed in as: the <see cref="ManagementActor"/>'s name and role (<c>read</c> … <c>admin</c>, or null for none).</summary>
internal sealed record OperatorUser(string Name, string? Role)
{
    public static OperatorUser Of(ManagementActor actor) => new(actor.Name, actor.Role is { } role ? ManagementRoleNames.Of(role) : null);
}
