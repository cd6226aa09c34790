using System.Buffers;
using System.Globalization;
using System.Text.Unicode;
using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.WebUtilities;
using Yarp.ReverseProxy.Transforms;

using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Turns an incoming request into the <see cref="IncomingRequest"/> a script sees, enforcing the route's input rules
/// first: body size (413), a body format the route takes (415), UTF-8 (400) and valid JSON or XML (400).
/// </summary>
internal static class IncomingRequestReader
{
    /// <summary>
    /// The request as a script sees it, and the problem that refuses it, if any. A refused request is still returned
    /// as it came (its body read up to <paramref name="keepBytes"/> when it is over the route's limit), so that the
    /// caller can keep it.
    /// </summary>
    public static async Task<(IncomingRequest Request, GatewayProblem? Problem)> ReadAsync(RequestTransformContext context, IngestRoute route, int maxJsonDepth, int keepBytes)
    {
        var http = context.HttpContext;
        var (body, tooLarge) = await ReadBodyAsync(http.Request, route.MaxBodyBytes, keepBytes, context.CancellationToken);
        var kind = TransformBody.KindOf(http.Request.ContentType, body.Length);
        // Methods are case-sensitive tokens, but no sender means "post" as anything but POST: one spelling from here on.
        var problem = Refusal(http.Request, route, body, tooLarge, kind, maxJsonDepth, out var parsed);
        // The query YARP would forward now: the client's, unless a transform before this one changed it. Never read from
        // context.Query.Collection: reading that makes YARP write the forwarded query anew from it (reordered and
        // re-encoded) even when the script leaves the query alone.
        var query = context.Query.QueryString;
        var request = new IncomingRequest(http.Request.Method.ToUpperInvariant(), context.Path.Value ?? "/",
            QueryOf(query == http.Request.QueryString ? http.Request.Query : new QueryCollection(QueryHelpers.ParseQuery(query.Value))),
            HeadersOf(http.Request, route.HiddenHeaders), RouteValuesOf(http.Request), new TransformBody(kind, body) { Parsed = parsed })
        {
            RawQuery = query.Value ?? string.Empty,
        };
        return (request, problem);
    }

    private static GatewayProblem? Refusal(HttpRequest http, IngestRoute route, byte[] body, bool tooLarge, TransformBodyKind kind, int maxJsonDepth, out ParsedJson? parsed)
    {
        parsed = null;
        // A content type without a body is refused as well: the sender is configured for a format this route does not take.
        var declared = body.Length > 0 ? kind : http.ContentType is not null ? TransformBody.KindOf(http.ContentType, 1) : TransformBodyKind.None;
        if (!route.Formats.Takes(declared))
        {
            return new GatewayProblem(StatusCodes.Status415UnsupportedMediaType, GatewayProblems.UnsupportedMediaType, $"This route takes {route.Formats.Describe()} bodies.",
                $"Send the body with Content-Type: {route.Formats.ContentTypes()}.");
        }

        if (tooLarge)
        {
            return new GatewayProblem(StatusCodes.Status413PayloadTooLarge, GatewayProblems.PayloadTooLarge, "The request body is too large.",
                $"The limit on this route is {route.MaxBodyBytes} bytes.");
        }

        if (!Utf8.IsValid(body))
        {
            return new GatewayProblem(StatusCodes.Status400BadRequest, GatewayProblems.InvalidEncoding, "The request body is not valid UTF-8.");
        }

        if (kind == TransformBodyKind.Xml && XmlBody.DescribeInvalid(body, maxJsonDepth) is { } xmlError)
        {
            return new GatewayProblem(StatusCodes.Status400BadRequest, GatewayProblems.InvalidXml, "The request body is not valid XML.", xmlError);
        }

        return kind == TransformBodyKind.Json && JsonText.DescribeInvalid(body, maxJsonDepth, out parsed) is { } jsonError
            ? new GatewayProblem(StatusCodes.Status400BadRequest, GatewayProblems.InvalidJson, "The request body is not valid JSON.", jsonError)
            : null;
    }

    // The three below run on every transformed request: plain loops, no LINQ.
    private static Dictionary<string, string> QueryOf(IQueryCollection parameters)
    {
        var query = new Dictionary<string, string>(parameters.Count, StringComparer.Ordinal);
        foreach (var (name, values) in parameters)
        {
            query[name] = values.ToString();
        }

        return query;
    }

    private static Dictionary<string, string> HeadersOf(HttpRequest request, IReadOnlySet<string> hidden)
    {
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            if (!hidden.Contains(name))
            {
                headers[Http.HeaderSyntax.LowerCaseName(name)] = values.ToString();
            }
        }

        return headers;
    }

    private static Dictionary<string, string> RouteValuesOf(HttpRequest request)
    {
        var values = new Dictionary<string, string>(request.RouteValues.Count, StringComparer.Ordinal);
        foreach (var (name, value) in request.RouteValues)
        {
            if (value is not null)
            {
                values[name] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            }
        }

        return values;
    }

    /// <summary>
    /// The whole body when it is within <paramref name="limit"/>; else TooLarge, with the first <paramref name="keep"/>
    /// bytes at most (nothing more is read).
    /// </summary>
    private static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, int limit, int keep, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            var prefix = new byte[Math.Min(keep, request.ContentLength.Value)];
            var got = await request.Body.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken);
            return (prefix[..got], true);
        }

        if (request.ContentLength is { } declared)
        {
            // The usual case: the length is known, so the body is read straight into its own array.
            var exact = new byte[declared];
            var read = await request.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken);
            return (read == exact.Length ? exact : exact[..read], false);
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                return (buffer.WrittenSpan.ToArray(), false);
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return (buffer.WrittenSpan[..Math.Min(keep, buffer.WrittenCount)].ToArray(), true);
            }
        }
    }
}
