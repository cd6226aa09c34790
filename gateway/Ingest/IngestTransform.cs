using HaloIlertGateway.Diagnostics;
using HaloIlertGateway.Http;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// The YARP request transform of a route with <c>"JsTransform": "&lt;name&gt;"</c>, the whole story of a webhook:
/// read the request (bounded), run the route's transform, and decide: forward (rewrite the outgoing request for YARP,
/// or, on a durable route, store it for delivery), drop, or fail (a problem, and on a durable route a dead letter).
/// Unless it forwards directly, it answers the client itself and YARP sends nothing.
/// </summary>
internal sealed partial class IngestTransform(
    IngestRoute route,
    RouteTransformRunner runner,
    DurableIngest durable,
    RequestDeadLetters deadLetters,
    BodyBudget budget,
    IOptions<ScriptingOptions> options,
    TimeProvider time,
    ILogger<IngestTransform> logger) : RequestTransform
{
    public override async ValueTask ApplyAsync(RequestTransformContext context)
    {
        using var span = GatewayActivitySource.Source.StartActivity("ingest");
        span?.SetTag("gateway.route", route.RouteId);
        span?.SetTag("gateway.transform", route.Transform);
        var http = context.HttpContext;
        var receivedAt = time.GetUtcNow();
        if (!await AdmitAsync(http))
        {
            return;
        }

        var (request, problem) = await IncomingRequestReader.ReadAsync(context, route, BodyLimits.From(options.Value), route.Durable ? deadLetters.MaxRejectedBodyBytes : 0, budget);
        if (problem is not null)
        {
            IngestOutcome.Set(http, IngestOutcome.Refused);
            await RefuseAsync(http, request, problem);
            return;
        }

        if (runner.Run(route, request, receivedAt) is not { } outcome)
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
                Apply(context, request, forward.Request, route.HiddenHeaders);
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

    /// <summary>
    /// Before the body is read: a sender whose key ilert refused, or that is not allowed, is answered at once (nothing read,
    /// run, stored or sent); a known one (a key ilert accepted, or an authenticated caller) may use the part of the body
    /// budget kept for known senders.
    /// </summary>
    private async Task<bool> AdmitAsync(HttpContext http)
    {
        var known = route.Authenticated;
        if (route.Durable && !route.Authenticated && http.Request.RouteValues["integrationKey"] is string { Length: > 0 } key)
        {
            var (keyClass, refusal) = durable.AdmitPathKey(key);
            if (refusal is not null)
            {
                IngestOutcome.Set(http, IngestOutcome.Refused);
                await GatewayProblems.WriteAsync(http, refusal);
                return false;
            }

            known = keyClass == Delivery.KeyClass.Known;
        }

        budget.LeaseFor(http).Known = known;
        return true;
    }

    /// <summary>A request refused for its body: the 4xx, and on a durable route the request kept as a <c>rejected</c> dead letter.</summary>
    private async Task RefuseAsync(HttpContext http, IncomingRequest raw, GatewayProblem problem)
    {
        // A 503 (the body budget spent) kept nothing: the sender is told to send it again.
        if (route.Durable && problem.Status < StatusCodes.Status500InternalServerError)
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

    private static void Apply(RequestTransformContext context, IncomingRequest original, OutgoingRequest changed, IReadOnlySet<string> hidden)
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
                RemoveHeader(context, HeaderNames.ContentType);
                AddHeader(context, HeaderNames.ContentType, contentType);
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
