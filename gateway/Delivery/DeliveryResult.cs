namespace HaloIlertGateway.Delivery;

/// <summary>
/// One attempt's result: <c>Delivered</c> (2xx), <c>Rejected</c> (a 4xx other than 408/429: final, never retried) or
/// <c>Retry</c> (no answer, a timeout, 408, 429 or 5xx), with ilert's status, body, and Retry-After when given.
/// </summary>
internal sealed record DeliveryResult(DeliveryOutcome Outcome, int? Status, byte[] Body, string? ContentType, TimeSpan? RetryAfter, string? Error);

internal enum DeliveryOutcome
{
    Delivered,
    Rejected,
    Retry,
}
