namespace HaloIlertGateway.Delivery;

/// <summary>
/// One attempt's result: <c>Delivered</c> (2xx), <c>Rejected</c> (a 4xx other than 408/429: final, never retried),
/// <c>Retry</c> (no answer, a timeout, 408, 429 or 5xx) or <c>Unsendable</c> (the request cannot be built from what
/// is stored: no retry can fix it), with ilert's status, body and content headers, and Retry-After when given.
/// </summary>
internal sealed record DeliveryResult(DeliveryOutcome Outcome, int? Status, byte[] Body, string? ContentType, TimeSpan? RetryAfter, string? Error)
{
    /// <summary>ilert's Content-Encoding, when it encoded the body despite being asked for identity.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>ilert's <c>correlation-id</c> response header, logged with a refusal so that ilert's support can find it.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>
    /// No answer came, but the request may have reached ilert (the attempt timed out, or the connection broke after it
    /// was sent): ilert may still act on it later (<see cref="DeliveryOptions.AbandonedAttemptSettle"/>).
    /// </summary>
    public bool MayStillLand { get; init; }
}

internal enum DeliveryOutcome
{
    Delivered,
    Rejected,
    Retry,
    Unsendable,
}
