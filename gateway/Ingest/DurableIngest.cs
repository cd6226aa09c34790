using HaloIlertGateway.Delivery;
using HaloIlertGateway.Http;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// A durable route's forward: the transformed request becomes an outbox event (<see cref="DeliveryQueue"/> stores it
/// before anything else and sends it at once if it may). ilert's answer goes back to the client when there is one
/// (2xx, or a 4xx other than 408/429); otherwise the client gets 202 queued and the worker delivers the event later,
/// in order. Never a 2xx without a durable write: a store that cannot be written answers 503.
/// Admission comes first, by what ilert has said of the event's integration key (<see cref="DeliveryKeys"/>): a key it
/// refused (404) or one not allowed (403) is answered at once and nothing is stored or sent; a key on probation is
/// stored only within the probation budget (503 past it).
/// </summary>
internal sealed class DurableIngest(DeliveryQueue queue, DeliveryKeys keys, DeliveryMetrics metrics, StoreFaultReporter faults, IOptions<DeliveryOptions> options)
{
    /// <summary>Headers never stored with an event or a dead letter: they could carry a client's credential.</summary>
    public static readonly IReadOnlySet<string> NotStoredHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "authorization", "cookie", "proxy-authorization" };

    /// <summary>The client's own headers an event keeps (when valid HTTP): the content type and the trace context.</summary>
    public static readonly IReadOnlySet<string> StoredClientHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "content-type", "traceparent", "tracestate" };

    /// <summary>
    /// Stores, attempts if it may, and answers the client. Nothing here takes the request's token: a request read whole
    /// is stored whether or not its client still waits (a client that hung up sends it again; ilert deduplicates), and a
    /// store read cancelled on the way would drop it instead.
    /// </summary>
    public async Task AcceptAsync(HttpContext http, IngestRoute route, IncomingRequest original, OutgoingRequest changed, DateTimeOffset receivedAt)
    {
        var message = ToMessage(route.RouteId, route.ClusterId, original, changed, route.HiddenHeaders, receivedAt);
        KeyClass keyClass;
        try
        {
            keyClass = await keys.ClassOfAsync(message.PacingKey, CancellationToken.None);
        }
        catch (Exception ex)
        {
            faults.Report("read an integration key's class", ex);
            await WriteUnavailableAsync(http);
            return;
        }

        if (Refusal(keyClass, message.PacingKey) is { } refusal)
        {
            IngestOutcome.Set(http, IngestOutcome.Refused);
            metrics.OnRejected(refusal.Kind);
            await GatewayProblems.WriteAsync(http, refusal);
            return;
        }

        Submission? submitted;
        try
        {
            submitted = await queue.SubmitAsync(message with { Probation = keyClass == KeyClass.Probation });
        }
        catch (StoreBudgetException ex) when (ex.Probation)
        {
            IngestOutcome.Set(http, IngestOutcome.Unavailable);
            metrics.OnRejected(GatewayProblems.ProbationFull);
            await GatewayProblems.WriteAsync(http, new GatewayProblem(StatusCodes.Status503ServiceUnavailable, GatewayProblems.ProbationFull,
                "Events for integration keys ilert has not accepted yet are held back.",
                "ilert has not yet accepted an event with this integration key, and the outbox's share for such keys is full; nothing was stored. Send it again after Retry-After.")
            {
                RetryAfterSeconds = options.Value.UnavailableRetryAfterSeconds,
            });
            return;
        }

        if (submitted is null)
        {
            await WriteUnavailableAsync(http);
            return;
        }

        IngestOutcome.Set(http, submitted.Answer switch
        {
            null => IngestOutcome.Queued,
            { Outcome: DeliveryOutcome.Unsendable } => IngestOutcome.Failed,
            _ => IngestOutcome.Delivered,
        });
        switch (submitted.Answer)
        {
            case { Outcome: DeliveryOutcome.Unsendable } unsendable:
                await GatewayProblems.WriteAsync(http, StatusCodes.Status502BadGateway, GatewayProblems.EventUnsendable,
                    "The event cannot be sent.", $"{unsendable.Error}. It was kept as a dead letter.");
                return;
            case { } answer:
                // ilert's answer as it came: its status, body and content headers.
                http.Response.StatusCode = answer.Status ?? StatusCodes.Status502BadGateway;
                http.Response.ContentType = answer.ContentType;
                if (answer.ContentEncoding is { } encoding)
                {
                    http.Response.Headers.ContentEncoding = encoding;
                }

                await http.Response.Body.WriteAsync(answer.Body, http.RequestAborted);
                return;
            default:
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                await http.Response.WriteAsJsonAsync(new QueuedResponse("queued", submitted.Id), IngestJsonContext.Default.QueuedResponse, cancellationToken: http.RequestAborted);
                return;
        }
    }

    /// <summary>
    /// Admission at the door, before the body is read: the class of the integration key in a request's path (on a route
    /// whose callers are anonymous that key is the sender's only credential, and the one its events are sent with) and
    /// the problem that refuses it (refused by ilert, or not allowed), if any. A store that cannot say: probation, no refusal.
    /// </summary>
    public async Task<(KeyClass Class, GatewayProblem? Refusal)> AdmitPathKeyAsync(string integrationKey, CancellationToken cancellationToken)
    {
        var pacingKey = DeliveryKeys.Digest(integrationKey);
        KeyClass keyClass;
        try
        {
            keyClass = await keys.ClassOfAsync(pacingKey, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            faults.Report("read an integration key's class", ex);
            return (KeyClass.Probation, null);
        }

        var refusal = Refusal(keyClass, pacingKey);
        if (refusal is not null)
        {
            metrics.OnRejected(refusal.Kind);
        }

        return (keyClass, refusal);
    }

    /// <summary>The problem that refuses an event for its key's class, or null when it may be stored.</summary>
    private GatewayProblem? Refusal(KeyClass keyClass, string pacingKey) => keyClass switch
    {
        KeyClass.Refused => new GatewayProblem(StatusCodes.Status404NotFound, GatewayProblems.IntegrationKeyRefused, "ilert does not know this integration key.",
            $"ilert refused an earlier event with this integration key as unknown; events for it are not accepted{(keys.RefusedUntil(pacingKey) is { } until ? $" until {until:u}" : string.Empty)}. "
            + "Check the key in ilert (Alert sources), then send again."),
        KeyClass.NotAllowed => new GatewayProblem(StatusCodes.Status403Forbidden, GatewayProblems.IntegrationKeyNotAllowed, "This integration key is not accepted here.",
            "This gateway accepts events only for the integration keys its operators listed."),
        _ => null,
    };

    /// <summary>503 <c>outbox-unavailable</c> with Retry-After: the event was not stored, so it must be sent again.</summary>
    public Task WriteUnavailableAsync(HttpContext http)
    {
        IngestOutcome.Set(http, IngestOutcome.Unavailable);
        http.Response.Headers.RetryAfter = options.Value.UnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return GatewayProblems.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, GatewayProblems.OutboxUnavailable,
            "The event could not be stored.", "The outbox cannot be written right now; nothing was sent. Send the event again after Retry-After.");
    }

    /// <summary>Stores an event for the worker only (a replayed dead letter); returns its outbox id. Throws when it cannot be stored.</summary>
    public async Task<long> EnqueueAsync(string routeId, string clusterId, IncomingRequest original, OutgoingRequest changed, IReadOnlySet<string> hiddenHeaders, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var message = ToMessage(routeId, clusterId, original, changed, hiddenHeaders, now);
        return await queue.EnqueueAsync(message with { Probation = !await IsKnownAsync(message.PacingKey, cancellationToken) }, cancellationToken);
    }

    /// <summary>
    /// Whether ilert has accepted the integration key of a request's route (its <c>integrationKey</c> route value): a
    /// dead letter of any other is anonymous input (<see cref="DeadLetter.Anonymous"/>). A store that cannot say: no.
    /// </summary>
    public async Task<bool> IsKnownKeyOfAsync(IncomingRequest request, CancellationToken cancellationToken) =>
        request.Params.GetValueOrDefault("integrationKey") is { Length: > 0 } key && await IsKnownAsync(DeliveryKeys.Digest(key), cancellationToken);

    /// <summary>Whether ilert has accepted the pacing key's integration key. A store that cannot say: no.</summary>
    public async Task<bool> IsKnownAsync(string pacingKey, CancellationToken cancellationToken)
    {
        try
        {
            return await keys.ClassOfAsync(pacingKey, cancellationToken) == KeyClass.Known;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            faults.Report("read an integration key's class", ex);
            return false;
        }
    }

    /// <summary>
    /// The outgoing request as an outbox event. Its alert is the route, the ilert integration key and the
    /// <c>alertKey</c> of the body when it has one (ilert's events API); the pace is per integration key.
    /// </summary>
    private static OutboxMessage ToMessage(string routeId, string clusterId, IncomingRequest original, OutgoingRequest changed, IReadOnlySet<string> hidden, DateTimeOffset now)
    {
        // An allow-list: what the transform set (checked when it returned) and the client's content type and trace
        // context when they are valid HTTP. Nothing else of the client's goes into the outbox: a header no retry can
        // send (a non-ASCII X-Note) must never hold its alert's later events back.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in changed.Headers)
        {
            var setByTransform = !original.Headers.TryGetValue(name, out var before) || before != value;
            var keep = setByTransform || (StoredClientHeaders.Contains(name) && HeaderSyntax.IsValid(name, value));
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
        var alertKey = changed.AlertKey;
        var integrationKey = changed.IntegrationKey ?? original.Params.GetValueOrDefault("integrationKey") ?? string.Empty;
        // The path in the form it goes on the wire (a checked script path is already in it; the client's is re-escaped),
        // sent as it is: DeliverySender does not canonicalise it again.
        var pathAndQuery = new PathString(changed.Path).ToUriComponent() + TransformContract.QueryFor(original, changed);
        return new OutboxMessage(0, routeId, clusterId, DeliveryKeys.Digest($"{routeId}\n{integrationKey}\n{alertKey?.Trim().ToLowerInvariant()}"), DeliveryKeys.Digest(integrationKey),
            original.Method, pathAndQuery, headers, body, now, TraceParent: System.Diagnostics.Activity.Current?.Id);
    }
}
