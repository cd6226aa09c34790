using System.ComponentModel.DataAnnotations;

namespace HaloIlertGateway.Delivery;

/// <summary>Durable delivery: the outbox, retries, pacing and dead letters. Section <c>Gateway:Delivery</c>.</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Gateway:Delivery";

    /// <summary>The SQLite outbox file, relative to the content root. Default <c>data/outbox.db</c>.</summary>
    [Required]
    public string DatabasePath { get; set; } = "data/outbox.db";

    /// <summary>
    /// Largest size of the outbox database, in bytes: a budget of disk for events waiting on ilert. When it is full (or
    /// the disk is), alert routes answer 503 with Retry-After until deliveries make room. Default 1 GiB.
    /// </summary>
    [Range(65_536, 1_099_511_627_776)]
    public long MaxOutboxBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Bytes kept of a body that an alert route refuses (invalid JSON or UTF-8, a media type it does not take, over its
    /// size limit), in its <c>rejected</c> dead letter; a larger body is kept up to this. Default 1 MiB.
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
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PacingWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Added to <see cref="PacingWindow"/> when the gateway counts its own sends: ilert counts arrivals, and a send
    /// that was slow to arrive would otherwise let the 51st land in the same window as the 50th (a 429, and the key
    /// paused). Default 1 second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan PacingMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Events sent across all keys in any rolling <see cref="PacingWindow"/>: ilert takes 700 API requests a minute
    /// from one source address. Default 700.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxSendsPerWindow { get; set; } = 700;

    /// <summary>How long an event is retried before it becomes a dead letter. Default 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>First retry delay; doubles per attempt, with jitter. Default 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest retry delay. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay after a 429 without Retry-After (ilert suggests 10-30 s). Default 15 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RateLimitedBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time one delivery attempt may take before it counts as failed. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a claim on an event lasts: one attempt and a margin. A claim whose holder died expires after it, and the
    /// event is free for the worker again.
    /// </summary>
    public TimeSpan ClaimDuration => AttemptTimeout + TimeSpan.FromSeconds(5);

    /// <summary>Deliveries the worker runs at once (across different alerts). Default 8.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>How often the worker looks for due events when nothing wakes it. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
