namespace HaloIlertGateway.Hosting;

/// <summary>
/// What the gateway does between listening and reporting Ready, so that the first alert after a start does not pay
/// for cold code and a cold connection. Section <c>Gateway:Warmup</c>.
/// </summary>
public sealed class WarmupOptions
{
    public const string SectionName = "Gateway:Warmup";

    /// <summary>
    /// Warm up before Ready: one <c>HEAD /</c> to each cluster's first destination through the forwarder (no
    /// credentials, no body: it opens the pooled connection, TLS included, that the first alert then reuses) and one
    /// <c>GET /healthz</c> to the gateway's own public listener. Failures are logged and never hold readiness back
    /// beyond <see cref="Timeout"/>. Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The longest the warm-up may hold readiness back, whatever answers or not. Default 5 s.</summary>
    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
