namespace HaloIlertGateway.Delivery;

/// <summary>
/// How long a failed event waits before its next attempt: ilert's Retry-After when it gave one (plus a little jitter);
/// after a bare 429 ilert's suggested pause (<see cref="DeliveryOptions.RateLimitedBackoff"/>, ±25%); else exponential
/// from <see cref="DeliveryOptions.InitialBackoff"/>, capped at <see cref="DeliveryOptions.MaxBackoff"/>, with jitter
/// (50–100% of it) so that events that failed together do not come back together. After an attempt that may still
/// land (<see cref="DeliveryResult.MayStillLand"/>), never less than <see cref="DeliveryOptions.AbandonedAttemptSettle"/>:
/// the event waits, and so does its alert's next one, until the abandoned copy can no longer reach ilert after them.
/// </summary>
internal static class RetryBackoff
{
    /// <param name="attempts">Attempts made before this failure.</param>
    /// <param name="result">The failed attempt: its status and ilert's Retry-After.</param>
    /// <param name="settings">The backoff settings.</param>
    /// <param name="random">A number in [0, 1): the jitter.</param>
    public static TimeSpan Next(int attempts, DeliveryResult result, DeliveryOptions settings, double random)
    {
        var backoff = Backoff(attempts, result, settings, random);
        return result.MayStillLand && backoff < settings.AbandonedAttemptSettle ? settings.AbandonedAttemptSettle : backoff;
    }

    private static TimeSpan Backoff(int attempts, DeliveryResult result, DeliveryOptions settings, double random)
    {
        var jitter = 0.5 + (random / 2);
        if (result.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero)
        {
            return retryAfter + (settings.InitialBackoff * jitter);
        }

        if (result.Status == 429)
        {
            return settings.RateLimitedBackoff * (0.75 + (jitter / 2));
        }

        var exponential = settings.InitialBackoff * Math.Pow(2, Math.Min(attempts, 20));
        return (exponential < settings.MaxBackoff ? exponential : settings.MaxBackoff) * jitter;
    }
}
