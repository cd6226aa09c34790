using System.Globalization;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HaloIlertGateway.Admin;

/// <summary>
/// <c>GET /_gateway/audit?limit=&amp;before=&amp;actor=&amp;action=&amp;since=&amp;until=</c>: the audit trail of every
/// state-changing management action, newest first (written by the endpoints marked <c>Audited</c>).
/// </summary>
internal sealed class AuditEndpoints(AuditTrail trail)
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, IServiceProvider gateway)
    {
        var api = ActivatorUtilities.CreateInstance<AuditEndpoints>(gateway);
        endpoints.MapGet("/_gateway/audit", api.ListAsync);
        return endpoints;
    }

    /// <summary>
    /// At most <paramref name="limit"/> entries (1 to 1,000, default 100) with ids below <paramref name="before"/> (the
    /// <c>next</c> of the page before), of one <paramref name="actor"/> and one <paramref name="action"/>, written at or
    /// after <paramref name="since"/> and before <paramref name="until"/> (ISO 8601 times, e.g. <c>2026-12-08T09:00:00Z</c>).
    /// </summary>
    public async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ListAsync(
        int? limit, long? before, string? actor, string? action, string? since, string? until, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > AuditTrail.MaxLimit)
        {
            return GatewayProblems.InvalidRequestResult($"limit must be from 1 to {AuditTrail.MaxLimit}, not {limit}.");
        }

        if (!TryParseTime(since, out var from) || !TryParseTime(until, out var to))
        {
            return GatewayProblems.InvalidRequestResult("since and until must be times such as 2026-12-08T09:00:00Z.");
        }

        var query = new AuditQuery(limit ?? AuditTrail.DefaultLimit, before, NullIfEmpty(actor), NullIfEmpty(action), from, to);
        return TypedResults.Ok(await trail.ListAsync(query, cancellationToken));
    }

    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
