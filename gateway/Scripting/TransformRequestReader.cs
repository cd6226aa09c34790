using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using HaloIlertGateway.Problems;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Turns an incoming request into the <see cref="TransformRequest"/> a script sees, enforcing the route's input rules
/// first: body size (413), JSON content type where required (415), UTF-8 (400) and valid JSON (400).
/// </summary>
internal static class TransformRequestReader
{
    public static async Task<(TransformRequest? Request, GatewayProblem? Problem)> ReadAsync(RequestTransformContext context, JsRoute route, int maxJsonDepth)
    {
        var http = context.HttpContext;
        var isJson = IsJson(http.Request.ContentType);
        if (route.RequireJson && !isJson && (http.Request.ContentLength > 0 || http.Request.ContentType is not null))
        {
            return (null, new GatewayProblem(StatusCodes.Status415UnsupportedMediaType, GatewayProblems.UnsupportedMediaType, "This route takes JSON only.",
                "Send the body with Content-Type: application/json."));
        }

        var body = await ReadBodyAsync(http.Request, route.MaxBodyBytes, context.CancellationToken);
        if (body is null)
        {
            return (null, new GatewayProblem(StatusCodes.Status413PayloadTooLarge, GatewayProblems.PayloadTooLarge, "The request body is too large.",
                $"The limit on this route is {route.MaxBodyBytes} bytes."));
        }

        if (!Utf8.IsValid(body))
        {
            return (null, new GatewayProblem(StatusCodes.Status400BadRequest, GatewayProblems.InvalidEncoding, "The request body is not valid UTF-8."));
        }

        var kind = TransformBody.KindOf(http.Request.ContentType, body.Length);
        if (kind == TransformBodyKind.Json && DescribeInvalidJson(body, maxJsonDepth) is { } jsonError)
        {
            return (null, new GatewayProblem(StatusCodes.Status400BadRequest, GatewayProblems.InvalidJson, "The request body is not valid JSON.", jsonError));
        }

        var request = new TransformRequest(
            http.Request.Method,
            context.Path.Value ?? "/",
            context.Query.Collection.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal),
            http.Request.Headers.Where(pair => !route.HiddenHeaders.Contains(pair.Key)).ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            http.Request.RouteValues.Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => Convert.ToString(pair.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal),
            new TransformBody(kind, body));
        return (request, null);
    }

    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static string? DescribeInvalidJson(byte[] body, int maxDepth)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException ex)
        {
            return $"Line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {ex.Message.Split(" LineNumber:")[0]}";
        }
    }

    /// <summary>The whole body, or null when it is larger than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length ? (int)length : 4096);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }
}
