using HaloIlertGateway.Hosting;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Observability;
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
    JsRoute route,
    ScriptCatalog catalog,
    TransformRunner runner,
    TransformSettingsProvider settings,
    DurableDelivery durable,
    DeadLetters deadLetters,
    TransformMetrics metrics,
    IOptions<ScriptingOptions> options,
    TimeProvider time,
    ILogger<JsRequestTransform> logger) : RequestTransform
{
    public override async ValueTask ApplyAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var receivedAt = time.GetUtcNow();
        var (transformName, routeId) = (route.Transform, route.RouteId);
        if (!catalog.TryGet(transformName, out var script))
        {
            await GatewayProblems.WriteAsync(http, StatusCodes.Status502BadGateway, GatewayProblems.TransformFailed, "The transform is not loaded.",
                extensions: new Dictionary<string, object?> { ["transform"] = transformName });
            return;
        }

        var (request, problem) = await TransformRequestReader.ReadAsync(context, route, options.Value.MaxJsonDepth, route.Durable ? deadLetters.MaxRejectedBodyBytes : 0);
        if (problem is not null)
        {
            await RefuseAsync(http, request, problem);
            return;
        }

        var outcome = runner.Run(script, request, settings.ContextFor(transformName, routeId, receivedAt, request, route.HiddenHeaders));
        metrics.Record(transformName, outcome);
        foreach (var line in outcome.Logs)
        {
            Log.ScriptLog(logger, transformName, routeId, line);
        }

        switch (outcome)
        {
            case TransformOutcome.Forward forward when route.Durable:
                await durable.AcceptAsync(http, route, request, forward.Request);
                break;
            case TransformOutcome.Forward forward when forward.Request.Body is { Length: > 0 } && context.ProxyRequest.Content is null:
                // YARP cannot add a body to a request that arrived without one (only the durable path sends its own).
                await WriteFailureAsync(http, new TransformFailure(transformName, "a request that arrived without a body cannot be given one"));
                break;
            case TransformOutcome.Forward forward:
                Apply(context, request, forward.Request, route.HiddenHeaders);
                break;
            case TransformOutcome.Drop drop:
                Log.Dropped(logger, transformName, routeId, drop.Reason);
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                await http.Response.WriteAsJsonAsync(new DroppedResponse("dropped", drop.Reason), GatewayJsonContext.Default.DroppedResponse, cancellationToken: context.CancellationToken);
                break;
            case TransformOutcome.Fail fail:
                Log.Failed(logger, transformName, routeId, fail.Failure.Limit ?? "error", fail.Failure.Message, fail.Failure.Line);
                // On a durable route the raw request is kept, to be replayed once the script is fixed; when it cannot be
                // kept, the client is told to send it again.
                var deadLetter = route.Durable ? deadLetters.AddTransformFailure(route, request, fail.Failure) : null;
                if (route.Durable && deadLetter is null)
                {
                    await durable.WriteUnavailableAsync(http);
                    break;
                }

                await WriteFailureAsync(http, fail.Failure, deadLetter);
                break;
        }
    }

    /// <summary>A request refused for its body: the 4xx, and on a durable route the request kept as a <c>rejected</c> dead letter.</summary>
    private async Task RefuseAsync(HttpContext http, TransformRequest raw, GatewayProblem problem)
    {
        if (route.Durable)
        {
            if (deadLetters.AddRejected(route, raw, problem, http.Request.ContentLength) is not { } id)
            {
                await durable.WriteUnavailableAsync(http);
                return;
            }

            problem = problem with { Extensions = new Dictionary<string, object?>(problem.Extensions ?? new Dictionary<string, object?>()) { ["deadLetter"] = id } };
        }

        await GatewayProblems.WriteAsync(http, problem);
    }

    private static Task WriteFailureAsync(HttpContext http, TransformFailure failure, long? deadLetter = null)
    {
        var extensions = new Dictionary<string, object?> { ["transform"] = failure.Script };
        if (deadLetter is not null)
        {
            extensions["deadLetter"] = deadLetter;
        }

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

    private static void Apply(RequestTransformContext context, TransformRequest original, TransformedRequest changed, IReadOnlySet<string> hidden)
    {
        if (context.ProxyRequest.Method.Method != original.Method)
        {
            context.ProxyRequest.Method = new HttpMethod(original.Method);
        }

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

        foreach (var name in original.Headers.Keys)
        {
            if (!changed.Headers.ContainsKey(name) && !TransformContract.ProtectedHeaders.Contains(name) && !hidden.Contains(name))
            {
                RemoveHeader(context, name);
            }
        }

        foreach (var (name, value) in changed.Headers)
        {
            if (!TransformContract.ProtectedHeaders.Contains(name) && !hidden.Contains(name) && (!original.Headers.TryGetValue(name, out var before) || before != value))
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
            if (TransformContract.ContentTypeFor(original, changed) is { } contentType)
            {
                RemoveHeader(context, HeaderNames.ContentType);
                AddHeader(context, HeaderNames.ContentType, contentType);
            }
        }
    }

    private static bool SameEntries(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
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
