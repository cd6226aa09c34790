using Yarp.ReverseProxy.Configuration;


namespace HaloIlertGateway.Ingest;

/// <summary>
/// What a transform route fixes when its config is applied: the transform and cluster, the body limit, body formats
/// and delivery mode from the route's metadata (<c>MaxRequestBodyBytes</c>, <c>BodyFormats</c> or its older spelling
/// <c>RequireJson</c>, <c>Delivery</c>: <c>Durable</c> or <c>Direct</c>), and the credential headers its script may
/// not see or set.
/// </summary>
internal sealed record IngestRoute(string Transform, string RouteId, string ClusterId, int MaxBodyBytes, BodyFormats Formats, bool Durable, IReadOnlySet<string> HiddenHeaders)
{
    /// <summary>
    /// Whether the route authenticates its callers (an <c>AuthorizationPolicy</c>): they are known senders then. On a route
    /// that does not, the integration key in the path is the only credential, and its class is what the sender is.
    /// </summary>
    public bool Authenticated { get; init; }

    public const string MaxBodyBytesKey = "MaxRequestBodyBytes";
    public const string BodyFormatsKey = "BodyFormats";
    public const string RequireJsonKey = "RequireJson";
    public const string DeliveryKey = "Delivery";
    public const string DurableMode = "Durable";

    /// <summary>Null when the metadata is usable; else what is wrong with it.</summary>
    public static string? DescribeInvalidMetadata(RouteConfig route)
    {
        var metadata = route.Metadata ?? new Dictionary<string, string>();
        if (metadata.TryGetValue(MaxBodyBytesKey, out var limit) && !(int.TryParse(limit, out var bytes) && bytes > 0))
        {
            return $"Route '{route.RouteId}': Metadata {MaxBodyBytesKey} must be a positive number of bytes, not '{limit}'.";
        }

        if (metadata.TryGetValue(DeliveryKey, out var delivery) && delivery is not (DurableMode or "Direct"))
        {
            return $"Route '{route.RouteId}': Metadata {DeliveryKey} must be {DurableMode} or Direct, not '{delivery}'.";
        }

        if (metadata.TryGetValue(BodyFormatsKey, out var formats) && BodyFormatsExtensions.Parse(formats) is null)
        {
            return $"Route '{route.RouteId}': Metadata {BodyFormatsKey} must list one or more of json, form, xml and text, not '{formats}'.";
        }

        return metadata.TryGetValue(RequireJsonKey, out var json) && !bool.TryParse(json, out _)
            ? $"Route '{route.RouteId}': Metadata {RequireJsonKey} must be true or false, not '{json}'."
            : null;
    }

    public static IngestRoute From(RouteConfig route, string transform, int defaultMaxBodyBytes, IReadOnlySet<string> hiddenHeaders)
    {
        var metadata = route.Metadata ?? new Dictionary<string, string>();
        return new IngestRoute(
            transform,
            route.RouteId,
            route.ClusterId ?? string.Empty,
            metadata.TryGetValue(MaxBodyBytesKey, out var limit) && int.TryParse(limit, out var bytes) ? bytes : defaultMaxBodyBytes,
            FormatsOf(metadata),
            metadata.GetValueOrDefault(DeliveryKey) == DurableMode,
            hiddenHeaders)
        {
            Authenticated = !string.IsNullOrEmpty(route.AuthorizationPolicy) && !string.Equals(route.AuthorizationPolicy, "Anonymous", StringComparison.OrdinalIgnoreCase),
        };
    }

    private static BodyFormats FormatsOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(BodyFormatsKey, out var formats) && BodyFormatsExtensions.Parse(formats) is { } parsed ? parsed
        : metadata.TryGetValue(RequireJsonKey, out var json) && bool.TryParse(json, out var required) && required ? BodyFormats.Json
        : BodyFormats.All;
}
