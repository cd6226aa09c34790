using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The gateway's side of "never lose an alert": a transformed event is stored durably before anything else, then
/// sent at once when it is the oldest pending event of its alert and its key's pace allows. ilert's answer goes back
/// to the client when there is one (2xx, or a 4xx other than 408/429); otherwise the client gets 202 queued and
/// the worker delivers the event later, in order.
/// </summary>
internal sealed class DurableDelivery(
    OutboxStore store,
    DeliveryAttempts attempts,
    DeliveryPacer pacer,
    DeliveryWorker worker,
    DeliveryMetrics metrics,
    StoreFaults faults,
    IOptions<DeliveryOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time)
{
    /// <summary>Headers never stored with an event or a dead letter: they could carry a client's credential.</summary>
    public static readonly IReadOnlySet<string> NotStoredHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "authorization", "cookie", "proxy-authorization" };

    /// <summary>The client's own headers an event keeps (when valid HTTP): the content type and the trace context.</summary>
    public static readonly IReadOnlySet<string> StoredClientHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "content-type", "traceparent", "tracestate" };

    /// <summary>Stores, attempts if it may, and answers the client.</summary>
    public async Task AcceptAsync(HttpContext http, JsRoute route, TransformRequest original, TransformedRequest changed)
    {
        var now = time.GetUtcNow();
        var message = ToMessage(route.RouteId, route.ClusterId, original, changed, route.HiddenHeaders, now);
        long id;
        bool claimed;
        try
        {
            (id, claimed) = await store.EnqueueAsync(message, now + options.Value.AttemptTimeout + TimeSpan.FromSeconds(5), () => pacer.TryAcquire(message.PacingKey));
            faults.Succeeded();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never a 2xx without a durable write: the client (HaloPSA's runbook) tries again later.
            faults.Report("store an event", ex);
            await WriteUnavailableAsync(http);
            return;
        }

        metrics.OnQueued();
        if (claimed)
        {
            // The outcome must be recorded even if the client goes away, so the attempt is not tied to the request.
            var result = await attempts.AttemptAsync(message with { Id = id }, clientWaiting: true, lifetime.ApplicationStopping);
            if (result.Outcome == DeliveryOutcome.Unsendable)
            {
                await Problems.GatewayProblems.WriteAsync(http, StatusCodes.Status502BadGateway, Problems.GatewayProblems.EventUnsendable,
                    "The event cannot be sent.", $"{result.Error}. It was kept as a dead letter.");
                return;
            }

            if (result.Outcome != DeliveryOutcome.Retry)
            {
                // ilert's answer as it came: its status, body and content headers.
                http.Response.StatusCode = result.Status ?? StatusCodes.Status502BadGateway;
                http.Response.ContentType = result.ContentType;
                if (result.ContentEncoding is { } encoding)
                {
                    http.Response.Headers.ContentEncoding = encoding;
                }

                await http.Response.Body.WriteAsync(result.Body, http.RequestAborted);
                return;
            }
        }

        worker.Wake();
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        await http.Response.WriteAsJsonAsync(new QueuedResponse("queued", id), GatewayJsonContext.Default.QueuedResponse, cancellationToken: http.RequestAborted);
    }

    /// <summary>503 <c>outbox-unavailable</c> with Retry-After: the event was not stored, so it must be sent again.</summary>
    public Task WriteUnavailableAsync(HttpContext http)
    {
        http.Response.Headers.RetryAfter = options.Value.UnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.GatewayProblems.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, Problems.GatewayProblems.OutboxUnavailable,
            "The event could not be stored.", "The outbox cannot be written right now; nothing was sent. Send the event again after Retry-After.");
    }

    /// <summary>Stores an event for the worker only (a replayed dead letter); returns its outbox id.</summary>
    public async Task<long> EnqueueAsync(string routeId, string clusterId, TransformRequest original, TransformedRequest changed, IReadOnlySet<string> hiddenHeaders)
    {
        var now = time.GetUtcNow();
        var (id, _) = await store.EnqueueAsync(ToMessage(routeId, clusterId, original, changed, hiddenHeaders, now), now, () => false);
        metrics.OnQueued();
        worker.Wake();
        return id;
    }

    /// <summary>
    /// The outgoing request as an outbox event. Its alert is the route, the ilert integration key and the
    /// <c>alertKey</c> of the body when it has one (ilert's events API); the pace is per integration key.
    /// </summary>
    private static OutboxMessage ToMessage(string routeId, string clusterId, TransformRequest original, TransformedRequest changed, IReadOnlySet<string> hidden, DateTimeOffset now)
    {
        // An allow-list: what the transform set (checked when it returned) and the client's content type and trace
        // context when they are valid HTTP. Nothing else of the client's goes into the outbox: a header no retry can
        // send (a non-ASCII X-Note) must never hold its alert's later events back.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in changed.Headers)
        {
            var setByTransform = !original.Headers.TryGetValue(name, out var before) || before != value;
            var keep = setByTransform || (StoredClientHeaders.Contains(name) && TransformContract.IsValidHeader(name, value));
            if (keep && !TransformContract.ProtectedHeaders.Contains(name) && !hidden.Contains(name) && !NotStoredHeaders.Contains(name))
            {
                headers[name] = value;
            }
        }

        if (TransformContract.ContentTypeFor(original, changed) is { } contentType)
        {
            headers["content-type"] = contentType;
        }

        var body = changed.Body ?? [];
        var (bodyKey, alertKey) = changed.BodyIsJson ? ReadEventKeys(body) : (null, null);
        var integrationKey = bodyKey ?? original.Params.GetValueOrDefault("integrationKey") ?? string.Empty;
        // The path in the form it goes on the wire (a checked script path is already in it; the client's is re-escaped),
        // sent as it is: DeliverySender does not canonicalise it again.
        var pathAndQuery = new PathString(changed.Path).ToUriComponent() + QueryString.Create(changed.Query.Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value)));
        return new OutboxMessage(0, routeId, clusterId, Digest($"{routeId}\n{integrationKey}\n{alertKey?.Trim().ToLowerInvariant()}"), Digest(integrationKey),
            original.Method, pathAndQuery, headers, body, now, TraceParent: System.Diagnostics.Activity.Current?.Id);
    }

    /// <summary><c>integrationKey</c> and <c>alertKey</c> of an events-API body (top-level string properties), if present.</summary>
    private static (string? IntegrationKey, string? AlertKey) ReadEventKeys(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind != JsonValueKind.Object
                ? (null, null)
                : (Property(document.RootElement, "integrationKey"), Property(document.RootElement, "alertKey"));
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Property(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>Keys are stored as digests: the outbox never needs them in clear, and listings cannot show them.</summary>
    private static string Digest(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
}
