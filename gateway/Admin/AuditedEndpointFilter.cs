using HaloIlertGateway.Delivery;
using Microsoft.AspNetCore.Mvc;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Runs a state-changing handler, then appends one entry to the audit trail: who (<see cref="ManagementActor"/>) and
/// from where, the action, its target, the status answered and the outcome, and a detail (the handler's own, left in
/// <c>HttpContext.Items[AuditTrail.DetailKey]</c>, or a problem's title). A handler that throws is recorded as failed
/// (500) and the exception goes on. Every entry is also one log event; an entry the store cannot take is logged as an
/// error instead and the answer stays as it was (the log is then the record): the audit must never change or fail
/// the action it records.
/// </summary>
internal sealed partial class AuditedEndpointFilter(string action) : IEndpointFilter
{
    /// <summary>
    /// The route values that name what an action acts on: a transform's <c>name</c>, a dead letter's <c>id</c>. Never the
    /// request's path or query, which may hold an integration key.
    /// </summary>
    private static readonly string[] TargetRouteValues = ["name", "id"];

    private const int MaxTextLength = 200;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex)
        {
            // The exception's type only: its message may quote anything the action met.
            await RecordAsync(context.HttpContext, StatusCodes.Status500InternalServerError, ex.GetType().Name);
            throw;
        }

        var answer = Innermost(result);
        await RecordAsync(context.HttpContext, (answer as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK,
            (answer as IValueHttpResult)?.Value is ProblemDetails problem ? problem.Title : null);
        return result;
    }

    /// <summary>The outcome of an answer's status: 2xx (and anything below 400) succeeded, 4xx refused, 5xx failed.</summary>
    private static string OutcomeOf(int status) => status switch
    {
        >= 500 => AuditEntry.Failed,
        >= 400 => AuditEntry.Refused,
        _ => AuditEntry.Succeeded,
    };

    private async Task RecordAsync(HttpContext http, int status, string? fallbackDetail)
    {
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILogger<AuditedEndpointFilter>>();
        var actor = ManagementActor.Of(http);
        var detail = Shorten(http.Items.TryGetValue(AuditTrail.DetailKey, out var given) && given is string text ? text : fallbackDetail);
        var at = (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var entry = new AuditEntry(0, at, actor.Name, action, TargetOf(http), actor.Address, status, OutcomeOf(status), detail);
        try
        {
            // Not the request's token: a client that hangs up once the action is done must not take its record with it.
            var id = await services.GetRequiredService<AuditTrail>().AppendAsync(entry, CancellationToken.None);
            Log.Recorded(logger, entry.Action, entry.Target, entry.Actor, entry.Address, entry.Outcome, entry.Status, entry.Detail, id);
        }
        catch (Exception ex)
        {
            Log.NotStored(logger, entry.Action, entry.Target, entry.Actor, entry.Address, entry.Outcome, entry.Status, entry.Detail, ex.GetType().Name, ex.Message);
        }
    }

    private static string? TargetOf(HttpContext http)
    {
        var values = TargetRouteValues.Select(name => http.GetRouteValue(name)?.ToString()).Where(value => !string.IsNullOrEmpty(value)).ToList();
        return values.Count == 0 ? null : Shorten(string.Join('/', values));
    }

    /// <summary>The answer inside a <c>Results&lt;…&gt;</c> union.</summary>
    private static object? Innermost(object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        return result;
    }

    private static string? Shorten(string? text) => text is { Length: > MaxTextLength } ? text[..(MaxTextLength - 1)] + "…" : text;

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
            Message = "Audit: {AuditAction} on {AuditTarget} by {Actor} from {ClientAddress}: {Outcome} ({Status}) {Detail} (entry {AuditId})")]
        public static partial void Recorded(ILogger logger, string auditAction, string? auditTarget, string actor, string? clientAddress, string outcome, int status, string? detail, long auditId);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Error,
            Message = "Audit: {AuditAction} on {AuditTarget} by {Actor} from {ClientAddress}: {Outcome} ({Status}) {Detail}; NOT in the audit trail, the store refused it ({ExceptionType}: {Error}): this log is its record")]
        public static partial void NotStored(ILogger logger, string auditAction, string? auditTarget, string actor, string? clientAddress, string outcome, int status, string? detail, string exceptionType, string error);
    }
}
