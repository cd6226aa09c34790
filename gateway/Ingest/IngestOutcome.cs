namespace HaloIlertGateway.Ingest;

/// <summary>
/// What became of a webhook, kept on its HttpContext for whoever reports on requests (the operator page's recent
/// requests): a 202 alone does not say whether the event was delivered, queued or dropped.
/// </summary>
internal static class IngestOutcome
{
    public const string Forwarded = "forwarded";
    public const string Delivered = "delivered";
    public const string Queued = "queued";
    public const string Dropped = "dropped";
    public const string Failed = "failed";
    public const string Refused = "refused";
    public const string Unavailable = "unavailable";

    private static readonly object Key = new();

    public static void Set(HttpContext context, string outcome) => context.Items[Key] = outcome;

    public static string? Get(HttpContext context) => context.Items.TryGetValue(Key, out var outcome) ? outcome as string : null;
}
