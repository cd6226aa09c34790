using System.Globalization;
using System.Text.Unicode;
using HaloIlertGateway.Http;
using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.WebUtilities;
using Yarp.ReverseProxy.Transforms;

using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Turns an incoming request into the <see cref="IncomingRequest"/> a script sees, enforcing the route's input rules
/// first: the body budget (503) and read timeout (408), body size (413), a body format the route takes (415), UTF-8 (400) and valid JSON, XML or
/// form (400), each within its limits (<see cref="BodyLimits"/>).
/// </summary>
internal static class IncomingRequestReader
{
    /// <summary>
    /// The request as a script sees it, and the problem that refuses it, if any. A refused request is still returned
    /// as it came (its body read up to <paramref name="keepBytes"/> when it is over the route's limit), so that the
    /// caller can keep it.
    /// </summary>
    public static async Task<(IncomingRequest Request, GatewayProblem? Problem)> ReadAsync(RequestTransformContext context, IngestRoute route, BodyLimits limits, int keepBytes, BodyBudget budget)
    {
        var http = context.HttpContext;
        var read = await RequestBodyReader.ReadAsync(http.Request, route.MaxBodyBytes, keepBytes, budget.LeaseFor(http), context.CancellationToken);
        var (body, tooLarge) = (read.Body, read.Status == BodyReadStatus.TooLarge);
        var kind = TransformBody.KindOf(http.Request.ContentType, body.Length);
        ParsedJson? parsed = null;
        byte[]? converted = null;
        var problem = read.Status switch
        {
            BodyReadStatus.OverBudget => GatewayProblems.BusyProblem(budget.RetryAfterSeconds),
            BodyReadStatus.TimedOut => GatewayProblems.BodyTimeoutProblem(budget.ReadTimeout),
            _ => Refusal(http.Request, route, body, tooLarge, kind, limits, out parsed, out converted),
        };
        // The query YARP would forward now: the client's, unless a transform before this one changed it. Never read from
        // context.Query.Collection: reading that makes YARP write the forwarded query anew from it (reordered and
        // re-encoded) even when the script leaves the query alone.
        var query = context.Query.QueryString;
        // Methods are case-sensitive tokens, but no sender means "post" as anything but POST: one spelling from here on.
        var request = new IncomingRequest(http.Request.Method.ToUpperInvariant(), context.Path.Value ?? "/",
            QueryOf(query == http.Request.QueryString ? http.Request.Query : new QueryCollection(QueryHelpers.ParseQuery(query.Value))),
            HeadersOf(http.Request, route.HiddenHeaders), RouteValuesOf(http.Request), new TransformBody(kind, body) { Parsed = parsed, Converted = converted })
        {
            RawQuery = query.Value ?? string.Empty,
        };
        return (request, problem);
    }

    private static GatewayProblem? Refusal(HttpRequest http, IngestRoute route, byte[] body, bool tooLarge, TransformBodyKind kind, BodyLimits limits, out ParsedJson? parsed, out byte[]? converted)
    {
        parsed = null;
        converted = null;
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

        // Each body is made into the value a script reads once, here, within the limits (the script's clock has not started).
        if (kind == TransformBodyKind.Xml && XmlBody.DescribeInvalid(body, limits, out converted) is { } xmlError)
        {
            return new GatewayProblem(StatusCodes.Status400BadRequest, GatewayProblems.InvalidXml, "The request body is not valid XML.", xmlError);
        }

        if (kind == TransformBodyKind.Form && FormBody.DescribeInvalid(body, limits.MaxNodes) is { } formError)
        {
            return new GatewayProblem(StatusCodes.Status400BadRequest, GatewayProblems.InvalidForm, "The request body is not a form the gateway takes.", formError);
        }

        return kind == TransformBodyKind.Json && JsonText.DescribeInvalid(body, limits.MaxDepth, out parsed) is { } jsonError
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
}
