using System.Net.Http.Headers;

namespace HaloIlertGateway.Cli;

/// <summary>
/// <c>healthcheck [url]</c>: asks a running gateway's readiness probe (by default <c>/readyz</c> on the first address
/// of <c>Gateway__Management__Urls</c> from the environment, reached on loopback, else <c>http://127.0.0.1:5081</c>) and exits
/// 0 when it answers 200, else 1. For container health checks and Kubernetes exec probes, where the image has no curl
/// and a probe's HTTP headers cannot come from a secret: the read-only token is taken from the environment
/// (<c>Gateway__Management__ReadToken</c>, else <c>Gateway__Management__Token</c>) and never printed.
/// </summary>
internal static class HealthcheckCommand
{
    /// <summary>The readiness URL of the management port this environment configures.</summary>
    public static Uri DefaultUrl() => new(ManagementTarget.Root(Environment.GetEnvironmentVariable), "/readyz");

    public static bool TryRun(string[] args, TextWriter output, out int exitCode)
    {
        exitCode = 0;
        if (args is not ["healthcheck", .. var rest])
        {
            return false;
        }

        if (rest.Length > 1 || (rest.Length == 1 && !Uri.TryCreate(rest[0], UriKind.Absolute, out _)))
        {
            output.WriteLine($"usage: healthcheck [url]   (default {DefaultUrl()})");
            exitCode = 2;
            return true;
        }

        exitCode = Check(rest.Length == 1 ? new Uri(rest[0]) : DefaultUrl(), output);
        return true;
    }

    private static int Check(Uri url, TextWriter output)
    {
        var token = Environment.GetEnvironmentVariable("Gateway__Management__ReadToken") ?? Environment.GetEnvironmentVariable("Gateway__Management__Token");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            using var response = client.Send(request);
            output.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            output.WriteLine($"{url}: no answer ({ex.GetType().Name})");
            return 1;
        }
    }
}
