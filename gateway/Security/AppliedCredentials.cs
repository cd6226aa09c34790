namespace HaloIlertGateway.Security;

/// <summary>
/// What <see cref="OutboundCredentials.ApplyAsync"/> put on a request: whether every credential the route needs was
/// there (else <see cref="Problem"/> says which was not, never a value), and the outbound credentials' tokens it
/// carries, to drop when the upstream refuses them.
/// </summary>
internal sealed record AppliedCredentials(bool Complete, string? Problem, IReadOnlyList<(string AuthName, string Token)> Tokens)
{
    public static AppliedCredentials None { get; } = new(true, null, []);
}
