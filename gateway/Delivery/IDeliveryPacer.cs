namespace HaloIlertGateway.Delivery;

/// <summary>
/// ilert's limits: at most <see cref="DeliveryOptions.RatePerMinutePerKey"/> sends per integration key in any rolling
/// <see cref="DeliveryOptions.PacingWindow"/> (plus <see cref="DeliveryOptions.PacingMargin"/>), at most
/// <see cref="DeliveryOptions.MaxSendsPerWindow"/> across all keys, at most
/// <see cref="DeliveryOptions.ProbationSendsPerWindow"/> across keys on probation, and a key paused after ilert's 429.
/// One process keeps them in memory (<see cref="DeliveryPacer"/>); a cluster in its shared database
/// (<c>Postgres/PostgresPacer</c>).
/// </summary>
internal interface IDeliveryPacer
{
    /// <summary>Takes a send for the key if the windows allow it now (for a key on probation, the probation share's too).</summary>
    bool TryAcquire(string pacingKey, bool probation);

    /// <summary>When the key may send next (now, if it may now).</summary>
    DateTimeOffset NextTurn(string pacingKey, bool probation);

    /// <summary>When keys on probation may send next, as far as their share says (now, if they may now).</summary>
    DateTimeOffset NextProbationTurn();

    /// <summary>ilert answered 429 for this key: none of its events is sent before <paramref name="pause"/> has passed.</summary>
    void Pause(string pacingKey, TimeSpan pause);
}
