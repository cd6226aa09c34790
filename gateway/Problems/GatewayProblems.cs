namespace HaloIlertGateway.Problems;

/// <summary>
/// The RFC 7807 problems the gateway answers with itself. Each failure has a stable <c>type</c>
/// (<c>urn:haloilertgateway:problem:&lt;kind&gt;</c>) that clients and alerts can match on.
/// </summary>
internal static class GatewayProblems
{
    public const string TypePrefix = "urn:haloilertgateway:problem:";

    public const string InvalidJson = "invalid-json";
    public const string InvalidXml = "invalid-xml";
    public const string PayloadTooLarge = "payload-too-large";
    public const string TransformFailed = "transform-failed";
    public const string TransformLimit = "transform-limit";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string CrossSite = "cross-site-request";
    public const string NotFound = "not-found";
    public const string CredentialUnavailable = "credential-unavailable";
    public const string RateLimited = "rate-limited";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string InvalidEncoding = "invalid-encoding";
    public const string OutboxUnavailable = "outbox-unavailable";
    public const string EventUnsendable = "event-unsendable";

    /// <summary>A 404 <c>not-found</c> problem, as the management endpoints answer for an unknown name or id.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFoundResult(string detail, string title) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title, type: TypePrefix + NotFound);

    public static Task WriteAsync(HttpContext context, GatewayProblem problem) =>
        WriteAsync(context, problem.Status, problem.Kind, problem.Title, problem.Detail, problem.Extensions);

    public static Task WriteAsync(HttpContext context, int status, string kind, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + kind, extensions: extensions)
            .ExecuteAsync(context);
}
