namespace HaloIlertGateway.Delivery;

/// <summary>
/// What the gateway could not deliver, kept so that nothing a client sent is lost: <see cref="Kind"/> is
/// <c>expired</c> (retried past MaxAge), <c>rejected</c> (ilert refused it with a 4xx while queued),
/// <c>unsendable</c> (the stored request cannot be built: no retry could fix it, so it is set aside at once and its
/// alert's next events go on) or <c>transform-failed</c> (the raw request as it arrived, to replay through the
/// current script). Delivery dead
/// letters keep the transformed request with its cluster and keys; transform failures keep the route values.
/// <see cref="Anonymous"/>: anonymous input, never acknowledged as an event (a request of a key ilert has not accepted
/// that was refused for its body or whose transform failed) or refused by ilert for a key it never accepted: such dead
/// letters have a smaller budget of their own and are pruned first. An acknowledged event that expired never is.
/// </summary>
internal sealed record DeadLetter(
    long Id,
    string Kind,
    string Reason,
    string Route,
    string? Cluster,
    string? OrderingKey,
    string? PacingKey,
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    IReadOnlyDictionary<string, string> RouteValues,
    DateTimeOffset CreatedAt,
    DateTimeOffset DeadAt,
    int Attempts,
    int? LastStatus,
    bool Anonymous = false)
{
    public const string Expired = "expired";
    public const string IlertRejected = "ilert-rejected";
    public const string Rejected = "rejected";
    public const string TransformFailed = "transform-failed";
    public const string Unsendable = "unsendable";

    /// <summary>Whether this is a transformed event (it has its alert): replayed into the outbox, not through a transform again.</summary>
    public bool IsTransformed => OrderingKey is not null;

    public static DeadLetter FromMessage(OutboxMessage message, string kind, string reason, DateTimeOffset now) => new(
        0, kind, reason, message.Route, message.Cluster, message.OrderingKey, message.PacingKey, message.Method, message.PathAndQuery,
        message.Headers, message.Body, new Dictionary<string, string>(), message.CreatedAt, now, message.Attempts, message.LastStatus,
        // An event was acknowledged to its sender: it is anonymous only when ilert itself refused its never-accepted key.
        Anonymous: message.Probation && kind == IlertRejected);

    /// <summary>A delivery dead letter as a fresh outbox message (a replay queues it behind its alert's pending events).</summary>
    public OutboxMessage ToMessage(DateTimeOffset now) =>
        new(0, Route, Cluster!, OrderingKey!, PacingKey!, Method, PathAndQuery, Headers, Body, now, Probation: Anonymous);
}
