using System.Net;
using HaloIlertGateway.Http;
using HaloIlertGateway.Security;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Sends an outbox event to its route's cluster through the HTTP client YARP built for that cluster (same
/// destination, TLS and HTTP settings as forwarded traffic), with credentials injected for this attempt only. A 401
/// to a request that carried a token the gateway fetched (<c>OutboundAuth</c>) drops that token and sends once more at
/// once with a new one; what that second answer says is the attempt's outcome.
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

        for (var attempt = 1; ; attempt++)
        {
            var (built, unsendable) = Build(message, destination.Model.Config.Address);
            using var request = built;
            if (request is null)
            {
                return new DeliveryResult(DeliveryOutcome.Unsendable, null, [], null, null, unsendable);
            }

            // A credential that cannot be had now (a secret unset, a token endpoint down) is retried later, like no answer.
            var applied = await credentials.ApplyAsync(message.Route, request, cancellationToken);
            if (!applied.Complete)
            {
                return Retry(applied.Problem ?? "an injected credential is not available");
            }

            var result = await SendOnceAsync(client, request, cancellationToken);
            if (result.Status == StatusCodes.Status401Unauthorized && applied.Tokens.Count > 0 && attempt == 1)
            {
                // The upstream refused a token the gateway fetched (revoked, or expired early): once more at once with a new one.
                credentials.Invalidate(applied);
                continue;
            }

            return result;
        }
    }

    private async Task<DeliveryResult> SendOnceAsync(HttpMessageInvoker client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
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
            return new DeliveryResult(outcome, status, body, response.Content.Headers.ContentType?.ToString(), retryAfter, outcome == DeliveryOutcome.Delivered ? null : $"ilert answered {status}")
            {
                ContentEncoding = response.Content.Headers.ContentEncoding.Count > 0 ? string.Join(", ", response.Content.Headers.ContentEncoding) : null,
                CorrelationId = response.Headers.TryGetValues("correlation-id", out var correlation) ? CorrelationIdOf(correlation) : null,
            };
        }
        catch (HttpRequestException ex)
        {
            // Only a connection that was never made proves the request did not reach ilert.
            return Retry($"no answer: {ex.HttpRequestError}") with { MayStillLand = !NeverConnected(ex.HttpRequestError) };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Retry("timed out") with { MayStillLand = true };
        }
    }

    /// <summary>ilert's correlation id as it may be logged: a bounded token, never whatever a response put there.</summary>
    private static string? CorrelationIdOf(IEnumerable<string> values) =>
        values.FirstOrDefault() is { Length: > 0 and <= 128 } id && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? id : null;

    /// <summary>A healthy destination if health checks say so, else any: passive health is not enabled for a single destination.</summary>
    private static Yarp.ReverseProxy.Model.DestinationState? FirstDestination(Yarp.ReverseProxy.Model.ClusterDestinationsState state) =>
        state.AvailableDestinations.Count > 0 ? state.AvailableDestinations[0] : state.AllDestinations.Count > 0 ? state.AllDestinations[0] : null;

    private static bool NeverConnected(HttpRequestError error) =>
        error is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private static DeliveryResult Retry(string error) => new(DeliveryOutcome.Retry, null, [], null, null, error);

    /// <summary>
    /// The outgoing request, or why what is stored cannot make one (an outbox written by an older version could hold a
    /// header that is not valid HTTP): that is final, no retry can fix it. The answer is asked for in identity
    /// encoding: the gateway reads it, and hands it to a waiting client as it came.
    /// </summary>
    private static (HttpRequestMessage? Request, string? Unsendable) Build(OutboxMessage message, string address)
    {
        if (message.Headers.FirstOrDefault(pair => !HeaderSyntax.IsValid(pair.Key, pair.Value)).Key is { } header)
        {
            return (null, $"the request cannot be built: the stored header '{header}' is not valid HTTP (a control or non-ASCII character)");
        }

        if (!Uri.TryCreate(address.TrimEnd('/') + message.PathAndQuery, ExactPath, out var uri))
        {
            return (null, Unbuildable());
        }

        try
        {
            var request = new HttpRequestMessage(new HttpMethod(message.Method), uri)
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
                Content = new ByteArrayContent(message.Body),
            };
            foreach (var (name, value) in message.Headers)
            {
                _ = ContentHeaders.Contains(name) ? request.Content.Headers.TryAddWithoutValidation(name, value) : request.Headers.TryAddWithoutValidation(name, value);
            }

            request.Headers.Remove("Accept-Encoding");
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
            return (request, null);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return (null, Unbuildable());
        }

        string Unbuildable() =>
            $"the request cannot be built from the stored method and path ({message.Method} {Logging.SecretRedactor.Redact(message.PathAndQuery)})";
    }

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
