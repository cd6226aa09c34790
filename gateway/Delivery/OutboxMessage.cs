namespace HaloIlertGateway.Delivery;

/// <summary>
/// A transformed request the gateway took responsibility for. No secrets: credentials are injected at each attempt.
/// <see cref="OrderingKey"/> groups the events of one alert (delivered in <see cref="Id"/> order);
/// <see cref="PacingKey"/> is the ilert integration key's digest (sent at the configured rate).
/// <see cref="TraceParent"/> is the W3C trace context of the request that queued it, so later attempts log under its trace id.
/// <see cref="Probation"/>: its key has not been accepted by ilert yet (served after known keys, one in flight at a time).
/// </summary>
internal sealed record OutboxMessage(
    long Id,
    string Route,
    string Cluster,
    string OrderingKey,
    string PacingKey,
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    DateTimeOffset CreatedAt,
    int Attempts = 0,
    DateTimeOffset? NextAttemptAt = null,
    string? LastError = null,
    int? LastStatus = null,
    string? TraceParent = null,
    bool Probation = false);
