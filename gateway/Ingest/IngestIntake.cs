using HaloIlertGateway.Delivery;
using HaloIlertGateway.Http;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// The read of a webhook, before any script runs: the sender admitted by its integration key, the request read within
/// the route's bounds (<see cref="IncomingRequestReader"/>), and a refusal answered, on a durable route with the request
/// kept as a <c>rejected</c> dead letter.
/// </summary>
internal sealed class IngestIntake(DurableIngest durable, RequestDeadLetters deadLetters, BodyBudget budget, IOptions<ScriptingOptions> options)
{
    /// <summary>The request as its transform will see it; null when the client has been answered already (nothing to run).</summary>
    public async Task<IncomingRequest?> ReadAsync(RequestTransformContext context, IngestRoute route)
    {
        var http = context.HttpContext;
        if (!await AdmitAsync(http, route))
        {
            return null;
        }

        var (request, problem) = await IncomingRequestReader.ReadAsync(context, route, BodyLimits.From(options.Value), route.Durable ? deadLetters.MaxRejectedBodyBytes : 0, budget);
        if (problem is not null)
        {
            IngestOutcome.Set(http, IngestOutcome.Refused);
            await RefuseAsync(http, route, request, problem);
            return null;
        }

        return request;
    }

    /// <summary>
    /// Before the body is read: a sender whose key ilert refused, or that is not allowed, is answered at once (nothing read,
    /// run, stored or sent); a known one (a key ilert accepted, or an authenticated caller) may use the part of the body
    /// budget kept for known senders.
    /// </summary>
    private async Task<bool> AdmitAsync(HttpContext http, IngestRoute route)
    {
        var known = route.Authenticated;
        if (route.Durable && !route.Authenticated && http.Request.RouteValues["integrationKey"] is string { Length: > 0 } key)
        {
            var (keyClass, refusal) = await durable.AdmitPathKeyAsync(key, http.RequestAborted);
            if (refusal is not null)
            {
                IngestOutcome.Set(http, IngestOutcome.Refused);
                await GatewayProblems.WriteAsync(http, refusal);
                return false;
            }

            known = keyClass == KeyClass.Known;
        }

        budget.LeaseFor(http).Known = known;
        return true;
    }

    /// <summary>A request refused for its body: the 4xx, and on a durable route the request kept as a <c>rejected</c> dead letter.</summary>
    private async Task RefuseAsync(HttpContext http, IngestRoute route, IncomingRequest raw, GatewayProblem problem)
    {
        // A 503 (the body budget spent) kept nothing: the sender is told to send it again.
        if (route.Durable && problem.Status < StatusCodes.Status500InternalServerError)
        {
            if (await deadLetters.AddRejectedAsync(route, raw, problem, http.Request.ContentLength) is not { } id)
            {
                await durable.WriteUnavailableAsync(http);
                return;
            }

            problem = problem with { Extensions = new Dictionary<string, object?>(problem.Extensions ?? new Dictionary<string, object?>()) { ["deadLetter"] = id } };
        }

        await GatewayProblems.WriteAsync(http, problem);
    }
}
