using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Logging;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Demo mode's stand-in for ilert: keeps the last requests it was sent (paths masked) and answers as ilert does.
/// <see cref="Outbox"/> is the demo's own outbox file.
/// </summary>
internal sealed partial class DemoReceiver(Uri address, string outbox)
{
    private const int Kept = 50;

    /// <summary>The largest body the receiver reads: ample for an event (a route reads at most 1 MiB by default).</summary>
    private const int MaxBodyBytes = 4 * 1024 * 1024;
    private readonly Lock _gate = new();
    private readonly LinkedList<DemoDelivery> _received = new();

    public Uri Address => address;

    public string Outbox => outbox;

    public IReadOnlyList<DemoDelivery> Received()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    public async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        if (request.Headers.UserAgent == Hosting.StartupWarmup.UserAgent)
        {
            // The start-up warm-up's connection, not an event.
            return TypedResults.Ok();
        }

        // Bounded as the events it stands in for are (Kestrel answers 413 past it).
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        JsonNode? body;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            body = JsonValue.Create(text);
        }

        // As every management response: the event's integration key (and any credential-like member) masked.
        DeliveryView.Mask(body);
        var path = "/" + (request.RouteValues["path"] as string ?? string.Empty) + request.QueryString;
        lock (_gate)
        {
            _received.AddFirst(new DemoDelivery(DateTimeOffset.UtcNow, request.Method, SecretRedactor.Redact(path), body));
            while (_received.Count > Kept)
            {
                _received.RemoveLast();
            }
        }

        return TypedResults.Json(new JsonObject { ["responseCode"] = "NEW_INCIDENT_CREATED", ["note"] = "HaloIlertGateway demo mode: recorded, not sent" }, statusCode: StatusCodes.Status202Accepted);
    }
}
