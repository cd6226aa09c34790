namespace HaloIlertGateway.Delivery;

/// <summary>
/// ilert's limits: at most <see cref="DeliveryOptions.RatePerMinutePerKey"/> sends per integration key in any rolling
/// <see cref="DeliveryOptions.PacingWindow"/> (plus <see cref="DeliveryOptions.PacingMargin"/>), at most
/// <see cref="DeliveryOptions.MaxSendsPerWindow"/> across all keys, at most
/// <see cref="DeliveryOptions.ProbationSendsPerWindow"/> across keys on probation, and a key paused after ilert's 429.
/// One process keeps them in memory (<see cref="DeliveryPacer"/>); a cluster in its shared database
/// (<c>Postgres/PostgresPacer</c>), hence asynchronous members (<see cref="ValueTask"/>: in memory they complete at once).
/// </summary>
internal interface IDeliveryPacer
{
    /// <summary>Takes a send for the key if the windows allow it now (for a key on probation, the probation share's too).</summary>
    ValueTask<bool> TryAcquireAsync(string pacingKey, bool probation, CancellationToken cancellationToken);

    /// <summary>When the key may send next (now, if it may now).</summary>
    ValueTask<DateTimeOffset> NextTurnAsync(string pacingKey, bool probation, CancellationToken cancellationToken);

    /// <summary>When keys on probation may send next, as far as their share says (now, if they may now).</summary>
    ValueTask<DateTimeOffset> NextProbationTurnAsync(CancellationToken cancellationToken);

    /// <summary>ilert answered 429 for this key: none of its events is sent before <paramref name="pause"/> has passed.</summary>
    ValueTask PauseAsync(string pacingKey, TimeSpan pause, CancellationToken cancellationToken);
}
