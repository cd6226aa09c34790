namespace HaloIlertGateway.Delivery;

/// <summary>
/// Which dead letters a bulk delete removes: of one <see cref="Kind"/>, of one <see cref="Route"/>, dead before
/// <see cref="DeadBefore"/>; every condition given must hold.
/// </summary>
internal sealed record DeadLetterFilter(string? Kind, string? Route, DateTimeOffset? DeadBefore)
{
    public bool IsEmpty => Kind is null && Route is null && DeadBefore is null;
}
