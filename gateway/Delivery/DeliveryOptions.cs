using System.ComponentModel.DataAnnotations;
using HaloIlertGateway.Hosting;

namespace HaloIlertGateway.Delivery;

/// <summary>Durable delivery: the outbox, retries, pacing and dead letters. Section <c>Gateway:Delivery</c>.</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "Gateway:Delivery";

    /// <summary>The SQLite outbox file, relative to the content root. Default <c>data/outbox.db</c>.</summary>
    [Required]
    public string DatabasePath { get; set; } = "data/outbox.db";

    /// <summary>
    /// The store's budget, in bytes: events and dead letters together, each row counted as its body, headers and path
    /// plus 256 bytes, the same on SQLite and PostgreSQL. When it is full (or the disk is), alert routes answer 503 with
    /// Retry-After until deliveries make room. A SQLite file is capped a quarter above it (its indexes and free pages).
    /// Default 1 GiB.
    /// </summary>
    [Range(65_536, 1_099_511_627_776)]
    public long MaxOutboxBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Bytes kept of a body that an alert route refuses (invalid JSON or UTF-8, a media type it does not take, over its
    /// size limit), in its <c>rejected</c> dead letter; a larger body is kept up to this, and never more than half the
    /// anonymous dead letters' budget. Default 1 MiB.
    /// </summary>
    [Range(0, 104_857_600)]
    public int MaxRejectedBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The Retry-After (seconds) of a 503 answered while the outbox cannot be written. Default 5.</summary>
    [Range(1, 3_600)]
    public int UnavailableRetryAfterSeconds { get; set; } = 5;

    /// <summary>
    /// Events sent per ilert integration key in any rolling <see cref="PacingWindow"/> (ilert accepts 50 a minute);
    /// a burst of up to this many goes out at once. Default 50.
    /// </summary>
    [Range(1, 60_000)]
    public int RatePerMinutePerKey { get; set; } = 50;

    /// <summary>The rolling window of <see cref="RatePerMinutePerKey"/> and <see cref="MaxSendsPerWindow"/>. Default 1 minute (ilert's).</summary>
    [TimeSpanRange("00:00:00.100", "01:00:00")]
    public TimeSpan PacingWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Added to <see cref="PacingWindow"/> when the gateway counts its own sends: ilert counts arrivals, and a send
    /// that was slow to arrive would otherwise let the 51st land in the same window as the 50th (a 429, and the key
    /// paused). Default 1 second.
    /// </summary>
    [TimeSpanRange("00:00:00", "00:01:00")]
    public TimeSpan PacingMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Events sent across all keys in any rolling <see cref="PacingWindow"/>: ilert takes 700 API requests a minute
    /// from one source address. Default 700.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxSendsPerWindow { get; set; } = 700;

    /// <summary>How long an event is retried before it becomes a dead letter. Default 24 hours.</summary>
    [TimeSpanRange("00:00:01", "30.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>First retry delay; doubles per attempt, with jitter. Default 2 seconds.</summary>
    [TimeSpanRange("00:00:00.010", "01:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest retry delay. Default 5 minutes.</summary>
    [TimeSpanRange("00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay after a 429 without Retry-After (ilert suggests 10-30 s). Default 15 seconds.</summary>
    [TimeSpanRange("00:00:00.010", "01:00:00")]
    public TimeSpan RateLimitedBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time one delivery attempt may take before it counts as failed. Default 30 seconds.</summary>
    [TimeSpanRange("00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After an attempt that had no answer but may have reached ilert (it timed out, or the connection broke after the
    /// request was sent), how long ilert may still act on it. The event is not sent again before then, and so neither is
    /// anything after it for the same alert: a RESOLVE never lands ahead of its ALERT's abandoned first copy. Zero lets
    /// the next attempt go at its backoff. Default 30 seconds.
    /// </summary>
    [TimeSpanRange("00:00:00", "00:10:00")]
    public TimeSpan AbandonedAttemptSettle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a claim on an event lasts: one attempt and a margin. A claim whose holder died expires after it, and the
    /// event is free for the worker again.
    /// </summary>
    public TimeSpan ClaimDuration => AttemptTimeout + TimeSpan.FromSeconds(5);

    /// <summary>Deliveries the worker runs at once (across different alerts). Default 8.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// The longest the worker sleeps when nothing wakes it. It is woken by this gateway's own new events and finished
    /// attempts, sleeps until the next event falls due or the next paced turn otherwise, and on PostgreSQL is woken by
    /// the other replicas' new events (LISTEN/NOTIFY): this look is only a safety net (while the PostgreSQL listener is
    /// not connected, the worker looks at least every second). Default 5 seconds.
    /// </summary>
    [TimeSpanRange("00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The ilert integration keys this gateway accepts events for, as secret references (<c>env:NAME</c>,
    /// <c>file:/path</c>; a value may list several keys separated by commas, spaces or new lines). Empty (the default):
    /// every key, in its class (known, probation, refused). Set: an event for any other key is answered 403 and never
    /// stored or sent, and a listed key is known from the start.
    /// </summary>
    public List<string> AllowedKeys { get; set; } = [];

    /// <summary>
    /// ilert's answers that mean "no such integration key": a key on probation that gets one is refused for
    /// <see cref="RefusedKeyFor"/> (a key ilert has accepted before never is). Default 404 (ilert's own agent treats 404
    /// as a bad key; the events API does not document it); an empty list refuses no key.
    /// </summary>
    public int[]? KeyRefusalStatuses { get; set; }

    /// <summary><see cref="KeyRefusalStatuses"/>, with the default worked out.</summary>
    internal IReadOnlyList<int> RefusalStatuses => KeyRefusalStatuses ?? [StatusCodes.Status404NotFound];

    /// <summary>How long a key ilert refused as unknown is refused at ingest (answered 404, nothing stored). Default 15 minutes.</summary>
    [TimeSpanRange("00:00:01", "7.00:00:00")]
    public TimeSpan RefusedKeyFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The share of <see cref="MaxSendsPerWindow"/>, in percent, that events of keys on probation (never yet accepted by
    /// ilert) may use together; known keys are served first. Default 10 (70 of ilert's 700 a minute).
    /// </summary>
    [Range(1, 100)]
    public int ProbationSharePercent { get; set; } = 10;

    /// <summary>
    /// Bytes of the outbox that events of keys on probation may hold together; past it they are answered 503. Default a
    /// sixteenth of <see cref="MaxOutboxBytes"/> (64 MiB of 1 GiB).
    /// </summary>
    [Range(65_536, 1_099_511_627_776)]
    public long? MaxProbationBytes { get; set; }

    /// <summary>Dead letters' own budget in the outbox. Section <c>Gateway:Delivery:DeadLetters</c>.</summary>
    public DeadLetterOptions DeadLetters { get; set; } = new();

    /// <summary>Sends per <see cref="PacingWindow"/> that keys on probation may use together (at least one).</summary>
    public int ProbationSendsPerWindow => Math.Max(1, MaxSendsPerWindow * ProbationSharePercent / 100);

    /// <summary>What the store holds each class of row to, with the defaults worked out.</summary>
    internal StoreBudgets Budgets => new(
        MaxOutboxBytes,
        MaxProbationBytes ?? MaxOutboxBytes / 16,
        DeadLetters.MaxBytes ?? MaxOutboxBytes / 4,
        DeadLetters.MaxAnonymousBytes ?? MaxOutboxBytes / 32);

    /// <summary>Bytes kept of a refused body: <see cref="MaxRejectedBodyBytes"/>, and at most half the anonymous dead letters' budget.</summary>
    internal int RejectedBodyBytesKept => (int)Math.Min(MaxRejectedBodyBytes, Budgets.AnonymousDeadLetters / 2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(DeadLetters, new ValidationContext(DeadLetters), results, validateAllProperties: true);
        foreach (var result in results)
        {
            yield return new ValidationResult($"{SectionName}:DeadLetters: {result.ErrorMessage}", [nameof(DeadLetters)]);
        }

        var budgets = Budgets;
        if (budgets.AnonymousDeadLetters > budgets.DeadLetters)
        {
            yield return new ValidationResult($"{SectionName}:DeadLetters:MaxAnonymousBytes must not be more than MaxBytes.", [nameof(DeadLetters)]);
        }

        if (budgets.DeadLetters + budgets.Probation > MaxOutboxBytes / 2)
        {
            yield return new ValidationResult(
                $"{SectionName}: DeadLetters:MaxBytes plus MaxProbationBytes must be at most half of MaxOutboxBytes: the rest is kept for events of known keys.",
                [nameof(MaxOutboxBytes)]);
        }

        if (RefusalStatuses.Any(status => status is < 400 or > 499 or 408 or 429))
        {
            yield return new ValidationResult($"{SectionName}:KeyRefusalStatuses must be 4xx statuses other than 408 and 429.", [nameof(KeyRefusalStatuses)]);
        }
    }
}

/// <summary>
/// The dead letters' budget: bytes and age, pruned oldest first. Dead letters of anonymous input (requests from an
/// integration key ilert has not accepted, refused bodies among them) have a smaller cap of their own and go first.
/// Section <c>Gateway:Delivery:DeadLetters</c>.
/// </summary>
public sealed class DeadLetterOptions
{
    /// <summary>
    /// Bytes all dead letters may hold; past it the oldest are removed (anonymous ones first). Default a quarter of
    /// <c>MaxOutboxBytes</c> (256 MiB of 1 GiB).
    /// </summary>
    [Range(16_384, 1_099_511_627_776)]
    public long? MaxBytes { get; set; }

    /// <summary>
    /// Bytes dead letters of anonymous input may hold; past it the oldest of them are removed. Default a thirty-second of
    /// <c>MaxOutboxBytes</c> (32 MiB of 1 GiB).
    /// </summary>
    [Range(4_096, 1_099_511_627_776)]
    public long? MaxAnonymousBytes { get; set; }

    /// <summary>
    /// Bytes kept of the body of a request from a key ilert has not accepted, in its dead letter (a refused body, a
    /// failed transform): a flood of made-up keys keeps a little of each, and its churn stays small on disk too (PostgreSQL
    /// reclaims the space of removed rows only when it vacuums). Default 64 KiB.
    /// </summary>
    [Range(0, 104_857_600)]
    public int MaxAnonymousBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How long a dead letter is kept before it is removed (checked every minute). Default 14 days.</summary>
    [TimeSpanRange("00:01:00", "365.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(14);
}
