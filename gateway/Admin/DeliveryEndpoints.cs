using HaloIlertGateway.Delivery;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Problems;
using HaloIlertGateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Admin;

/// <summary>
/// <c>GET /_gateway/delivery</c> (counters, outbox depth and oldest age), <c>GET /_gateway/outbox</c>,
/// <c>GET /_gateway/deadletters[/{id}]</c>, <c>POST /_gateway/deadletters/{id}/replay</c>,
/// <c>POST /_gateway/deadletters/replay</c> (all), <c>DELETE /_gateway/deadletters/{id}</c>,
/// <c>DELETE /_gateway/deadletters?kind=&amp;route=&amp;olderThan=</c> (bulk), <c>DELETE /_gateway/keys/refused</c>,
/// <c>GET /_gateway/cluster</c> (the replicas
/// sharing the store and which holds which lease). Listings are redacted and read no bodies; every <c>limit</c> is 1 to
/// 1,000. Every call that changes state is recorded in the audit trail (<see cref="AuditRouteHandlerBuilderExtensions.Audited"/>).
/// </summary>
internal sealed class DeliveryEndpoints(
    IOutbox outbox, IDeadLetterStore store, IReplicaDirectory replicas, ReplicaIdentity replica, DeliveryMetrics metrics, DeadLetterReplay replay, DeliveryKeys keys,
    SecretStore secrets, IOptions<StoreOptions> storeOptions, IOptions<DeliveryOptions> deliveryOptions, TimeProvider time)
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1_000;
    private static readonly string[] DeadLetterKinds = [DeadLetter.Expired, DeadLetter.IlertRejected, DeadLetter.Rejected, DeadLetter.TransformFailed, DeadLetter.Unsendable];

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, IServiceProvider gateway)
    {
        var api = ActivatorUtilities.CreateInstance<DeliveryEndpoints>(gateway);
        endpoints.MapGet("/_gateway/delivery", api.SummaryAsync);
        endpoints.MapGet("/_gateway/outbox", api.ListOutboxAsync);
        endpoints.MapGet("/_gateway/cluster", api.ClusterAsync);
        endpoints.MapDelete("/_gateway/keys/refused", api.ForgetRefusalsAsync).Audited("forget-refused-keys");
        var dead = endpoints.MapGroup("/_gateway/deadletters");
        dead.MapGet("/", api.ListDeadLettersAsync);
        dead.MapGet("/{id:long}", api.GetDeadLetterAsync);
        dead.MapPost("/{id:long}/replay", api.ReplayAsync).Audited("replay");
        dead.MapPost("/replay", api.ReplayAllAsync).Audited("replay-all");
        dead.MapDelete("/{id:long}", api.DeleteAsync).Audited("dead-letter-delete");
        dead.MapDelete("/", api.DeleteMatchingAsync).Audited("bulk-delete");
        return endpoints;
    }

    // Every handler takes the request's token (bound to RequestAborted): a caller gone away ends its reads.
    public async Task<Ok<DeliverySummary>> SummaryAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (depth, oldest) = await outbox.StatsAsync(cancellationToken);
        var usage = await outbox.UsageAsync(cancellationToken);
        var budgets = deliveryOptions.Value.Budgets;
        var (known, refused) = await keys.CountAsync(cancellationToken);
        return TypedResults.Ok(new DeliverySummary(
            metrics.Queued, metrics.Delivered, metrics.Retried, metrics.DeadLettered, depth,
            oldest is { } at ? (now - at).TotalSeconds : 0, await store.CountAsync(cancellationToken),
            new StorageView(usage.Events, usage.Probation, budgets.Probation, usage.DeadLetters, budgets.DeadLetters, usage.AnonymousDeadLetters,
                budgets.AnonymousDeadLetters, usage.Total, budgets.Total),
            new KeysView(known, refused)));
    }

    public async Task<Ok<ClusterView>> ClusterAsync(CancellationToken cancellationToken) =>
        TypedResults.Ok(new ClusterView(storeOptions.Value.Provider.ToString(), replica.Name, await replicas.ListAsync(cancellationToken),
            await outbox.LeasesAsync(time.GetUtcNow(), cancellationToken)));

    public async Task<Results<Ok<IEnumerable<OutboxEventView>>, ProblemHttpResult>> ListOutboxAsync(int? limit, CancellationToken cancellationToken) =>
        InvalidLimit(limit) ?? (Results<Ok<IEnumerable<OutboxEventView>>, ProblemHttpResult>)TypedResults.Ok(
            (await outbox.ListAsync(limit ?? DefaultLimit, cancellationToken)).Select(m => DeliveryView.Outbox(m, secrets.KnownValues)));

    public async Task<Results<Ok<IEnumerable<DeadLetterView>>, ProblemHttpResult>> ListDeadLettersAsync(int? limit, CancellationToken cancellationToken) =>
        InvalidLimit(limit) ?? (Results<Ok<IEnumerable<DeadLetterView>>, ProblemHttpResult>)TypedResults.Ok(
            (await store.ListAsync(limit ?? DefaultLimit, cancellationToken)).Select(d => DeliveryView.Dead(d, secrets.KnownValues, withBody: false)));

    public async Task<Results<Ok<DeadLetterView>, ProblemHttpResult>> GetDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } d ? TypedResults.Ok(DeliveryView.Dead(d, secrets.KnownValues, withBody: true)) : NotFound(id);

    public async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAsync(long id, HttpContext context, CancellationToken cancellationToken)
    {
        if (await replay.ReplayAsync(id, cancellationToken) is not { Outcome: not "not-found" } result)
        {
            return NotFound(id);
        }

        // The outcome and the new event only: a failed replay's detail is the script's error, which may quote the request.
        context.Items[AuditTrail.DetailKey] = result.OutboxId is { } queued ? $"{result.Outcome} as event {queued}" : result.Outcome;
        return TypedResults.Ok(result);
    }

    public async Task<Results<Ok<IReadOnlyList<ReplayResult>>, ProblemHttpResult>> ReplayAllAsync(int? limit, HttpContext context, CancellationToken cancellationToken)
    {
        if (InvalidLimit(limit) is { } invalid)
        {
            return invalid;
        }

        var results = await replay.ReplayAllAsync(limit ?? MaxLimit, cancellationToken);
        context.Items[AuditTrail.DetailKey] = results.Count == 0
            ? "nothing to replay"
            : string.Join(", ", results.GroupBy(r => r.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
        return TypedResults.Ok(results);
    }

    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    /// <summary>
    /// Removes every dead letter of <paramref name="kind"/>, of <paramref name="route"/>, and dead for longer than
    /// <paramref name="olderThan"/> (a time span, e.g. <c>1.00:00:00</c>); at least one must be given.
    /// </summary>
    public async Task<Results<Ok<BulkDeleteResult>, ProblemHttpResult>> DeleteMatchingAsync(string? kind, string? route, string? olderThan, HttpContext context, CancellationToken cancellationToken)
    {
        TimeSpan? age = null;
        if (olderThan is not null)
        {
            if (!TimeSpan.TryParse(olderThan, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed < TimeSpan.Zero)
            {
                return BadRequest($"olderThan must be a time span such as 1.00:00:00 (a day) or 00:30:00, not '{olderThan}'.");
            }

            age = parsed;
        }

        var filter = new DeadLetterFilter(NullIfEmpty(kind), NullIfEmpty(route), age is { } span ? time.GetUtcNow() - span : null);
        if (filter.IsEmpty)
        {
            return BadRequest("Name what to delete: kind, route or olderThan (olderThan=00:00:00 deletes every dead letter).");
        }

        var deleted = await store.DeleteAsync(filter, cancellationToken);
        context.Items[AuditTrail.DetailKey] = DeletedDetail(deleted, filter, age);
        return TypedResults.Ok(new BulkDeleteResult(deleted));
    }

    /// <summary>Every integration key ilert refused is on probation again (for an operator who fixed the alert source or the transform).</summary>
    public async Task<Ok<ForgottenKeys>> ForgetRefusalsAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var forgotten = await keys.ForgetRefusalsAsync(cancellationToken);
        context.Items[AuditTrail.DetailKey] = $"{forgotten} forgotten";
        return TypedResults.Ok(new ForgottenKeys(forgotten));
    }

    /// <summary>
    /// What a bulk delete removed, for the audit trail: the count and the filter, as far as it cannot hold whatever a
    /// caller typed (a kind the gateway has, the age; a route is only said to be named).
    /// </summary>
    private static string DeletedDetail(long deleted, DeadLetterFilter filter, TimeSpan? age)
    {
        var of = new List<string>();
        if (filter.Kind is { } kind)
        {
            of.Add(DeadLetterKinds.Contains(kind, StringComparer.Ordinal) ? "of kind " + kind : "of an unknown kind");
        }

        if (filter.Route is not null)
        {
            of.Add("of one route");
        }

        if (age is { } older)
        {
            of.Add($"dead for over {older:c}");
        }

        return $"{deleted} deleted {string.Join(", ", of)}";
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static ProblemHttpResult? InvalidLimit(int? limit) =>
        limit is < 1 or > MaxLimit ? BadRequest($"limit must be from 1 to {MaxLimit}, not {limit}.") : null;

    private static ProblemHttpResult BadRequest(string detail) => GatewayProblems.InvalidRequestResult(detail);

    private static ProblemHttpResult NotFound(long id) => GatewayProblems.NotFoundResult($"No dead letter {id}.", "Not found.");
}
