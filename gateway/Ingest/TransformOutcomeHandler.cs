using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Decides what a run of the route's transform comes to: forward (on a direct route YARP's outgoing request is
/// rewritten, <see cref="ProxyRequestRewriter"/>, and YARP sends it; on a durable route it is stored for delivery,
/// <see cref="DurableIngest"/>), drop (202), or fail (a problem, and on a durable route a dead letter). Unless it
/// forwards directly, it answers the client itself and YARP sends nothing.
/// </summary>
internal sealed partial class TransformOutcomeHandler(DurableIngest durable, RequestDeadLetters deadLetters, ILogger<TransformOutcomeHandler> logger)
{
    /// <summary>Acts on <paramref name="outcome"/> (null: the route's transform has no version serving).</summary>
    public async Task HandleAsync(RequestTransformContext context, IngestRoute route, IncomingRequest request, TransformOutcome? outcome, DateTimeOffset receivedAt)
    {
        var http = context.HttpContext;
        if (outcome is null)
        {
            await GatewayProblems.WriteAsync(http, StatusCodes.Status502BadGateway, GatewayProblems.TransformFailed, "The transform is not loaded.",
                extensions: new Dictionary<string, object?> { ["transform"] = route.Transform });
            return;
        }

        foreach (var line in outcome.Logs)
        {
            Log.ScriptLog(logger, route.Transform, route.RouteId, line);
        }

        switch (outcome)
        {
            case TransformOutcome.Forward forward when route.Durable:
                await durable.AcceptAsync(http, route, request, forward.Request, receivedAt);
                break;
            case TransformOutcome.Forward forward when forward.Request.Body is { Length: > 0 } && context.ProxyRequest.Content is null:
                // YARP cannot add a body to a request that arrived without one (only the durable path sends its own).
                await WriteFailureAsync(http, new TransformFailure(route.Transform, "a request that arrived without a body cannot be given one"));
                break;
            case TransformOutcome.Forward forward:
                ProxyRequestRewriter.Rewrite(context, request, forward.Request, route.HiddenHeaders);
                IngestOutcome.Set(http, IngestOutcome.Forwarded);
                break;
            case TransformOutcome.Drop drop:
                Log.Dropped(logger, route.Transform, route.RouteId, drop.Reason);
                IngestOutcome.Set(http, IngestOutcome.Dropped);
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                await http.Response.WriteAsJsonAsync(new DroppedResponse("dropped", drop.Reason), IngestJsonContext.Default.DroppedResponse, cancellationToken: context.CancellationToken);
                break;
            case TransformOutcome.Fail fail:
                Log.Failed(logger, route.Transform, route.RouteId, fail.Failure.Limit ?? "error", fail.Failure.Message, fail.Failure.Line);
                IngestOutcome.Set(http, IngestOutcome.Failed);
                // On a durable route the raw request is kept, to be replayed once the transform is fixed; when it cannot
                // be kept, the client is told to send it again.
                var deadLetter = route.Durable ? await deadLetters.AddTransformFailureAsync(route, request, fail.Failure) : null;
                if (route.Durable && deadLetter is null)
                {
                    await durable.WriteUnavailableAsync(http);
                    break;
                }

                await WriteFailureAsync(http, fail.Failure, deadLetter);
                break;
        }
    }

    private static Task WriteFailureAsync(HttpContext http, TransformFailure failure, long? deadLetter = null)
    {
        var extensions = new Dictionary<string, object?> { ["transform"] = failure.Transform };
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
