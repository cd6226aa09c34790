namespace HaloIlertGateway.Problems;

/// <summary>
/// A problem the gateway decided to answer with, to be written by <see cref="GatewayProblems.WriteAsync(HttpContext, GatewayProblem)"/>;
/// <see cref="RetryAfterSeconds"/>, when set, is sent as <c>Retry-After</c>.
/// </summary>
internal sealed record GatewayProblem(int Status, string Kind, string Title, string? Detail = null, IDictionary<string, object?>? Extensions = null)
{
    public int? RetryAfterSeconds { get; init; }
}
