namespace HaloIlertGateway.Cli;

/// <summary>
/// Where the CLI finds a running gateway's management port, and the token it sends there, both from the environment
/// (read through a function, so that a test gives its own without touching the process's variables). The token is
/// only ever sent, never printed: what the CLI says of it is the variable it came from.
/// </summary>
internal static class ManagementTarget
{
    /// <summary>A named user's token; wins over the shared one when set.</summary>
    public const string UserTokenVariable = "GATEWAY_TOKEN";

    /// <summary>The gateway's own management token (<c>Gateway:Management:Token</c> as an environment variable).</summary>
    public const string SharedTokenVariable = "Gateway__Management__Token";

    /// <summary>The management port's addresses as the gateway reads them from the environment.</summary>
    public const string UrlsVariable = "Gateway__Management__Urls";

    /// <summary>The management port's default address (<c>Gateway:Management:Urls</c>' default).</summary>
    public static readonly Uri DefaultRoot = new("http://127.0.0.1:5081/");

    /// <summary>The root of the management port: the first address of <see cref="UrlsVariable"/>, reached on loopback, else <see cref="DefaultRoot"/>.</summary>
    public static Uri Root(Func<string, string?> environment)
    {
        var configured = environment(UrlsVariable)?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return (configured is null ? null : Hosting.StartupWarmup.LoopbackUri(configured)) ?? DefaultRoot;
    }

    /// <summary>The token to send (<see cref="UserTokenVariable"/>, else <see cref="SharedTokenVariable"/>) and the variable it came from; nulls when neither is set.</summary>
    public static (string? Token, string? Variable) Token(Func<string, string?> environment)
    {
        foreach (var variable in new[] { UserTokenVariable, SharedTokenVariable })
        {
            if (environment(variable) is { Length: > 0 } token)
            {
                return (token, variable);
            }
        }

        return (null, null);
    }
}
