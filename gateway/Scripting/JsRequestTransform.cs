using System.Buffers;
using System.Text.Json;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Problems;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// The YARP request transform of a route with <c>"JsTransform": "&lt;name&gt;"</c>: buffers the body (bounded),
/// runs the script named, and either rewrites the outgoing request or answers the client itself (dropped, or a
/// problem), in which case YARP forwards nothing. The script is looked up by name on each request.
/// </summary>
internal sealed partial class JsRequestTransform(
    string transformName,
    string routeId,
    ScriptCatalog catalog,
    TransformRunner runner,
    TransformSettingsProvider settings,
    IOptions<ScriptingOptions> options,
    TimeProvider time,
    ILogger<JsRequestTransform> logger) : RequestTransform
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public override async ValueTask ApplyAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var receivedAt = time.GetUtcNow();
        if (!catalog.TryGet(transformName, out var script))
        {
            await GatewayProblems.WriteAsync(http, StatusCodes.Status502BadGateway, GatewayProblems.TransformFailed, "The transform is not loaded.",
                extensions: new Dictionary<string, object?> { ["transform"] = transformName });
            return;
        }

        var body = await ReadBodyAsync(http.Request, options.Value.MaxBodyBytes, context.CancellationToken);
        if (body is null)
        {
            await GatewayProblems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, GatewayProblems.PayloadTooLarge, "The request body is too large.",
                $"The limit on this route is {options.Value.MaxBodyBytes} bytes.");
            return;
        }

        var kind = body.Length == 0 ? TransformBodyKind.None : IsJson(http.Request.ContentType) ? TransformBodyKind.Json : TransformBodyKind.Text;
        if (kind == TransformBodyKind.Json && ValidateJson(body, options.Value.MaxJsonDepth) is { } jsonError)
        {
            await GatewayProblems.WriteAsync(http, StatusCodes.Status400BadRequest, GatewayProblems.InvalidJson, "The request body is not valid JSON.", jsonError);
            return;
        }

        var request = new TransformRequest(
            http.Request.Method,
            context.Path.Value ?? "/",
            context.Query.Collection.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal),
            http.Request.Headers.ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            http.Request.RouteValues.Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => Convert.ToString(pair.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal),
            new TransformBody(kind, body));
        var secrets = TransformContract.SecretParams(request.Params);

        var outcome = runner.Run(script, request, new TransformContext(routeId, receivedAt, settings.Get(transformName), secrets));
        foreach (var line in outcome.Logs)
        {
            Log.ScriptLog(logger, transformName, routeId, line);
        }

        switch (outcome)
        {
            case TransformOutcome.Forward forward when forward.Request.Body is { Length: > 0 } && context.ProxyRequest.Content is null:
                await WriteFailureAsync(http, new TransformFailure(transformName, "a request that arrived without a body cannot be given one"));
                break;
            case TransformOutcome.Forward forward:
                Apply(context, request, forward.Request);
                break;
            case TransformOutcome.Drop drop:
                Log.Dropped(logger, transformName, routeId, drop.Reason);
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                await http.Response.WriteAsJsonAsync(new DroppedResponse("dropped", drop.Reason), GatewayJsonContext.Default.DroppedResponse, cancellationToken: context.CancellationToken);
                break;
            case TransformOutcome.Fail fail:
                Log.Failed(logger, transformName, routeId, fail.Failure.Limit ?? "error", fail.Failure.Message, fail.Failure.Line);
                await WriteFailureAsync(http, fail.Failure);
                break;
        }
    }

    private static Task WriteFailureAsync(HttpContext http, TransformFailure failure)
    {
        var extensions = new Dictionary<string, object?> { ["transform"] = failure.Script };
        if (failure.Limit is not null)
        {
            extensions["limit"] = failure.Limit;
        }

        if (failure.Line is not null)
        {
            extensions["line"] = failure.Line;
            extensions["column"] = failure.Column;
        }

        return failure.IsLimit
            ? GatewayProblems.WriteAsync(http, StatusCodes.Status502BadGateway, GatewayProblems.TransformLimit, "The transform broke a sandbox limit.", failure.Message, extensions)
            : GatewayProblems.WriteAsync(http, StatusCodes.Status502BadGateway, GatewayProblems.TransformFailed, "The transform failed.", failure.Message, extensions);
    }

    private static void Apply(RequestTransformContext context, TransformRequest original, TransformedRequest changed)
    {
        if (changed.Path != original.Path)
        {
            context.Path = new PathString(changed.Path);
        }

        if (!SameEntries(original.Query, changed.Query))
        {
            context.Query.Collection.Clear();
            foreach (var (key, value) in changed.Query)
            {
                context.Query.Collection[key] = value;
            }
        }

        foreach (var name in original.Headers.Keys.Where(name => !changed.Headers.ContainsKey(name) && !TransformContract.ProtectedHeaders.Contains(name)))
        {
            RemoveHeader(context, name);
        }

        foreach (var (name, value) in changed.Headers)
        {
            if (!TransformContract.ProtectedHeaders.Contains(name) && (!original.Headers.TryGetValue(name, out var before) || before != value))
            {
                RemoveHeader(context, name);
                AddHeader(context, name, value);
            }
        }

        if (context.ProxyRequest.Content is { } content)
        {
            // YARP 2.3 cannot swap the outgoing HttpContent: give it a new source stream and the exact new length.
            var bytes = changed.Body ?? [];
            context.HttpContext.Request.Body = new MemoryStream(bytes, writable: false);
            content.Headers.ContentLength = bytes.Length;
            var scriptSetType = changed.Headers.TryGetValue(HeaderNames.ContentType, out var newType)
                && (!original.Headers.TryGetValue(HeaderNames.ContentType, out var oldType) || oldType != newType);
            if (changed.BodyIsJson && !scriptSetType && !IsJson(original.Headers.GetValueOrDefault(HeaderNames.ContentType)))
            {
                RemoveHeader(context, HeaderNames.ContentType);
                AddHeader(context, HeaderNames.ContentType, JsonContentType);
            }
        }
    }

    private static bool SameEntries(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static string? ValidateJson(byte[] body, int maxDepth)
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
            return $"Line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {(ex.Message.Split(" LineNumber:")[0])}";
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Transform {Transform} on route {Route} logged: {Line}")]
        public static partial void ScriptLog(ILogger logger, string transform, string route, string line);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Transform {Transform} on route {Route} dropped the request: {Reason}")]
        public static partial void Dropped(ILogger logger, string transform, string route, string reason);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Transform {Transform} on route {Route} failed ({Limit}): {Error} at line {Line}")]
        public static partial void Failed(ILogger logger, string transform, string route, string limit, string error, int? line);
    }
}
