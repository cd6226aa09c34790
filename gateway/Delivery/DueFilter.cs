namespace HaloIlertGateway.Delivery;

/// <summary>
/// Which due heads the worker asks for: none of <see cref="SkipKeys"/> (keys waiting for their pace), those of keys on
/// probation only when <see cref="Probation"/> (their share of the budget has room), and at most <see cref="PerKey"/>
/// of any one key, taken in turns across keys (the first head of every key, then the second, …) so that one key's
/// backlog never holds back another key's head. Known keys' heads always come before probation keys'. A key gives no
/// more heads than the answer's limit: a <see cref="PerKey"/> above it is read as the limit (the same answer, unless
/// one key has heads of both classes; the worker asks for fewer per key than its limit), so that the stores read a
/// few heads per key, never every due head.
/// </summary>
internal sealed record DueFilter(IReadOnlyCollection<string> SkipKeys, bool Probation, int PerKey)
{
    /// <summary>Every due head.</summary>
    public static DueFilter Any { get; } = new([], Probation: true, PerKey: int.MaxValue);
}
