namespace HaloIlertGateway.Delivery;

/// <summary>
/// ilert's limits: at most <see cref="DeliveryOptions.RatePerMinutePerKey"/> sends per integration key in any rolling
/// <see cref="DeliveryOptions.PacingWindow"/> (plus <see cref="DeliveryOptions.PacingMargin"/>), at most
/// <see cref="DeliveryOptions.MaxSendsPerWindow"/> across all keys, and a key paused after ilert's 429. One process
/// keeps them in memory (<see cref="DeliveryPacer"/>); a cluster in its shared database (<c>Postgres/PostgresPacer</c>).
/// </summary>
internal interface IDeliveryPacer
{
    /// <summary>Takes a send for the key if the windows allow it now.</summary>
    bool TryAcquire(string pacingKey);

    /// <summary>When the key may send next (now, if it may now).</summary>
    DateTimeOffset NextTurn(string pacingKey);

    /// <summary>ilert answered 429 for this key: none of its events is sent before <paramref name="pause"/> has passed.</summary>
    void Pause(string pacingKey, TimeSpan pause);
}
