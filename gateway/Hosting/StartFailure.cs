using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Hosting;

/// <summary>
/// What stopped a start, as one paragraph for the person starting it: the file or setting at fault and what to do,
/// never a stack trace. Configuration and environment errors (a missing or unreadable proxy.json, a port or an outbox
/// in use, an invalid setting) are said this way; anything else is a fault of the gateway's own, printed whole.
/// </summary>
internal static partial class StartFailure
{
    /// <summary>
    /// True when the gateway is the process (its own entry point), false when something else hosts its entry point
    /// (a test's WebApplicationFactory), which expects a failed start to reach it as the exception.
    /// </summary>
    public static bool OwnsProcess => System.Reflection.Assembly.GetEntryAssembly() == typeof(StartFailure).Assembly;

    /// <summary>The paragraph for <paramref name="exception"/>, or null when it is not a known way for a start to fail.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        // YARP wraps what stops it loading the routes: the gateway's own checks, or its list of invalid routes.
        InvalidOperationException { Source: "Yarp.ReverseProxy", InnerException: AggregateException routes } =>
            "The gateway could not start: the routes are invalid (ReverseProxy in proxy.json).\n"
            + string.Join('\n', routes.InnerExceptions.Select(route => " - " + route.Message))
            + "\nFix them and start again (`transforms check` checks the scripts they name).",
        InvalidOperationException { Source: "Yarp.ReverseProxy", InnerException: { } inner } => Describe(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        OperatorFacingException operatorFacing => $"The gateway could not start: {operatorFacing.Message}",
        InvalidDataException invalid =>
            $"The gateway could not start: {string.Join(' ', Chain(invalid).Select(e => e.Message))} Fix the file and start again.",
        // A value configuration cannot convert: the setting and its type, never the value (it may be a secret).
        InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" } binding when ConversionFailure().Match(binding.Message) is { Success: true } match =>
            $"The gateway could not start: the setting {match.Groups["path"].Value} has a value that is not a {match.Groups["type"].Value.Split('.')[^1]}{Choices(match.Groups["type"].Value)} (the value is not shown)."
            + "\nFix it in proxy.json, the environment or the command line (docs/configuration.md lists every setting and its range).",
        FormatException url when url.Message.StartsWith("Invalid url: ", StringComparison.Ordinal) =>
            $"The gateway could not start: {url.Message}. Give the public address as a URL with --urls (or ASPNETCORE_URLS), e.g. --urls http://localhost:5080.",
        IOException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AccessDenied } } denied =>
            $"The gateway could not start: {denied.Message} The port needs privileges this user does not have: listen on a port above 1023 (e.g. --urls http://+:8080) and map the low port in front.",
        IOException io when io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) =>
            $"The gateway could not start: {io.Message} Move the public port with --urls (or ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS), e.g. --urls http://localhost:5090.",
        OptionsValidationException options =>
            "The gateway could not start: a setting is invalid.\n" + string.Join('\n', options.Failures.Select(failure => " - " + Plain(failure, options.OptionsType)))
            + "\nFix it in proxy.json, the environment or the command line (docs/configuration.md lists every setting and its range).",
        _ => null,
    };

    /// <summary>The names a setting of one of the gateway's own enum types takes, e.g. " (Sqlite or Postgres)".</summary>
    private static string Choices(string typeName) =>
        typeof(StartFailure).Assembly.GetType(typeName) is { IsEnum: true } type ? $" ({string.Join(" or ", Enum.GetNames(type))})" : string.Empty;

    /// <summary>An exception and its inner ones, outermost first (a JSON file's parser names the line and byte innermost).</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    /// <summary>
    /// A data-annotation failure without its wrapper ("DataAnnotation validation failed for 'X' members: 'Token' with
    /// the error: ..."), prefixed with the setting's full name when the member is one (Gateway:Management:Token: ...).
    /// </summary>
    private static string Plain(string failure, Type options)
    {
        if (DataAnnotationFailure().Match(failure) is not { Success: true } match)
        {
            return failure;
        }

        var error = match.Groups["error"].Value;
        var section = options.GetField("SectionName")?.GetRawConstantValue() as string;
        var member = match.Groups["member"].Value;
        return section is null || member.Length == 0 || error.Contains(section, StringComparison.Ordinal) ? error : $"{section}:{member}: {error}";
    }

    [GeneratedRegex("at '(?<path>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex("^DataAnnotation validation failed for '[^']*' members: '(?<member>[^',]*)' with the error: '(?<error>.*)'\\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
