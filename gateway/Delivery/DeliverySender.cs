using System.Net;
using HaloIlertGateway.Security;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Sends an outbox event to its route's cluster through the HTTP client YARP built for that cluster (same
/// destination, TLS and HTTP settings as forwarded traffic), with credentials injected for this attempt only.
/// </summary>
internal sealed class DeliverySender(IProxyStateLookup proxy, OutboundCredentials credentials, IOptions<DeliveryOptions> options)
{
    private const int MaxResponseBytes = 64 * 1024;
    private static readonly HashSet<string> ContentHeaders = new(StringComparer.OrdinalIgnoreCase) { "content-type", "content-encoding", "content-language" };

    /// <summary>The stored path was checked in the form it is stored in: no dot-segment or escape processing after that.</summary>
    private static readonly UriCreationOptions ExactPath = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public async Task<DeliveryResult> SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (!proxy.TryGetCluster(message.Cluster, out var cluster) || cluster.Model.HttpClient is not { } client
            || FirstDestination(cluster.DestinationsState) is not { } destination)
        {
            return Retry($"cluster '{message.Cluster}' has no destination");
        }

        using var request = new HttpRequestMessage(new HttpMethod(message.Method), new Uri(destination.Model.Config.Address.TrimEnd('/') + message.PathAndQuery, ExactPath))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ByteArrayContent(message.Body),
        };
        foreach (var (name, value) in message.Headers)
        {
            _ = ContentHeaders.Contains(name) ? request.Content.Headers.TryAddWithoutValidation(name, value) : request.Headers.TryAddWithoutValidation(name, value);
        }

        if (!credentials.TryApply(message.Route, request))
        {
            return Retry("an injected credential's secret is not available");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.AttemptTimeout);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            var body = await ReadBoundedAsync(response.Content, timeout.Token);
            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - DateTimeOffset.UtcNow,
                _ => (TimeSpan?)null,
            };
            var outcome = status switch
            {
                >= 200 and < 300 => DeliveryOutcome.Delivered,
                408 or 429 or >= 500 => DeliveryOutcome.Retry,
                _ => DeliveryOutcome.Rejected,
            };
            return new DeliveryResult(outcome, status, body, response.Content.Headers.ContentType?.ToString(), retryAfter, outcome == DeliveryOutcome.Delivered ? null : $"ilert answered {status}");
        }
        catch (HttpRequestException ex)
        {
            return Retry($"no answer: {ex.HttpRequestError}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Retry("timed out");
        }
    }

    /// <summary>A healthy destination if health checks say so, else any: passive health is not enabled for a single destination.</summary>
    private static Yarp.ReverseProxy.Model.DestinationState? FirstDestination(Yarp.ReverseProxy.Model.ClusterDestinationsState state) =>
        state.AvailableDestinations.Count > 0 ? state.AvailableDestinations[0] : state.AllDestinations.Count > 0 ? state.AllDestinations[0] : null;

    private static DeliveryResult Retry(string error) => new(DeliveryOutcome.Retry, null, [], null, null, error);

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxResponseBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return buffer[..total];
    }
}
