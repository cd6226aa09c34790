using HaloIlertGateway.Scripting;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// A forward on a direct route: YARP's outgoing request rewritten to what the transform returned, which YARP then
/// sends (the new body in one write with the headers: <see cref="TransformedBodyClientFactory"/>).
/// </summary>
internal static class ProxyRequestRewriter
{
    /// <summary>
    /// Makes YARP's outgoing request the one <paramref name="changed"/> describes: path, query, the headers the script
    /// changed (never protected or <paramref name="hidden"/> ones) and the new body with its exact length.
    /// </summary>
    public static void Rewrite(RequestTransformContext context, IncomingRequest original, OutgoingRequest changed, IReadOnlySet<string> hidden)
    {
        if (context.ProxyRequest.Method.Method != original.Method)
        {
            context.ProxyRequest.Method = new HttpMethod(original.Method);
        }

        if (changed.Path != original.Path)
        {
            context.Path = new PathString(changed.Path);
        }

        if (!TransformContract.LeftQuery(original, changed))
        {
            context.Query.Collection.Clear();
            foreach (var (key, value) in changed.Query)
            {
                context.Query.Collection[key] = value;
            }
        }

        // Headers the script left as they came are already on the outgoing request.
        if (!ReferenceEquals(changed.Headers, original.Headers))
        {
            foreach (var name in original.Headers.Keys)
            {
                if (!changed.Headers.ContainsKey(name) && !TransformContract.ProtectedHeaders.Contains(name) && !hidden.Contains(name))
                {
                    RequestTransform.RemoveHeader(context, name);
                }
            }

            foreach (var (name, value) in changed.Headers)
            {
                if (!TransformContract.ProtectedHeaders.Contains(name) && !hidden.Contains(name) && (!original.Headers.TryGetValue(name, out var before) || before != value))
                {
                    RequestTransform.RemoveHeader(context, name);
                    RequestTransform.AddHeader(context, name, value);
                }
            }
        }

        if (context.ProxyRequest.Content is { } content)
        {
            // YARP 2.3 cannot swap the outgoing HttpContent here: the client's handler sends these bytes in its place
            // (TransformedBodyClientFactory), with the content's headers and the exact new length.
            var bytes = changed.Body ?? [];
            content.Headers.ContentLength = bytes.Length;
            context.ProxyRequest.Options.Set(TransformedBodyClientFactory.Body, bytes);
            if (TransformContract.ContentTypeFor(original, changed) is { } contentType)
            {
                RequestTransform.RemoveHeader(context, HeaderNames.ContentType);
                RequestTransform.AddHeader(context, HeaderNames.ContentType, contentType);
            }
        }
    }
}
