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
    public const string InvalidForm = "invalid-form";
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
    public const string Busy = "busy";
    public const string BodyTimeout = "body-timeout";
    public const string IntegrationKeyRefused = "integration-key-refused";
    public const string IntegrationKeyNotAllowed = "integration-key-not-allowed";
    public const string ProbationFull = "probation-full";
    public const string InvalidRequest = "invalid-request";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string VersionStale = "version-stale";
    public const string TransformInvalid = "transform-invalid";
    public const string PublishingOff = "publishing-off";

    /// <summary>A 404 <c>not-found</c> problem, as the management endpoints answer for an unknown name or id.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFoundResult(string detail, string title) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title, type: TypePrefix + NotFound);

    /// <summary>A 400 <c>invalid-request</c> problem, as the management endpoints answer for a bad parameter.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult InvalidRequestResult(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request.", type: TypePrefix + InvalidRequest);

    public static Task WriteAsync(HttpContext context, GatewayProblem problem)
    {
        if (problem.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteAsync(context, problem.Status, problem.Kind, problem.Title, problem.Detail, problem.Extensions);
    }

    /// <summary>408 <c>body-timeout</c>: the body was not read within the read timeout; nothing of it was kept.</summary>
    public static GatewayProblem BodyTimeoutProblem(TimeSpan timeout) => new(StatusCodes.Status408RequestTimeout, BodyTimeout, "The request body took too long.",
        $"A body must arrive within {timeout.TotalSeconds:0} s; nothing of this request was kept.");

    /// <summary>503 <c>busy</c>: the request bodies the gateway may hold at once are held; nothing of this one was kept.</summary>
    public static GatewayProblem BusyProblem(int retryAfterSeconds) => new(StatusCodes.Status503ServiceUnavailable, Busy, "The gateway is busy.",
        "It holds as many request bodies as it may at once; nothing of this request was kept. Send it again after Retry-After.")
    {
        RetryAfterSeconds = retryAfterSeconds,
    };

    public static Task WriteAsync(HttpContext context, int status, string kind, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + kind, extensions: extensions)
            .ExecuteAsync(context);
}
