using Yarp.ReverseProxy.Forwarder;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// YARP's client factory, with one change: a transformed body leaves with its headers in one write. YARP 2.3 does not
/// let a transform replace the outgoing <see cref="HttpContent"/>, and its own content flushes the headers before it
/// copies the body, so each request costs the upstream connection two sends. A transformed body is already whole in
/// memory: <see cref="ProxyRequestRewriter"/> puts it in the request's options, and the handler here sends it as the
/// content, with the headers YARP and the transform gave the content.
/// </summary>
internal sealed class TransformedBodyClientFactory(ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    /// <summary>The transformed body of a request forwarded directly.</summary>
    public static readonly HttpRequestOptionsKey<byte[]> Body = new("HaloIlertGateway.TransformedBody");

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new WholeBodyHandler(base.WrapHandler(context, handler));

    private sealed class WholeBodyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Options.TryGetValue(Body, out var body) && request.Content is { } streamed)
            {
                var whole = new ByteArrayContent(body);
                foreach (var (name, values) in streamed.Headers)
                {
                    whole.Headers.TryAddWithoutValidation(name, values);
                }

                request.Content = whole;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
