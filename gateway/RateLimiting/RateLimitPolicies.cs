using HaloIlertGateway.Hosting;
using Microsoft.Extensions.Primitives;

namespace HaloIlertGateway.RateLimiting;

/// <summary>
/// The live policy settings. On a configuration reload the section is bound and checked again; a valid one replaces
/// the old (its limiters start afresh), an invalid one is logged and the old one keeps applying. At start an invalid
/// section stops the gateway with every problem listed.
/// </summary>
internal sealed partial class RateLimitPolicies : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<RateLimitPolicies> _logger;
    private readonly IDisposable _subscription;
    private Snapshot _current;

    public RateLimitPolicies(IConfiguration configuration, ILogger<RateLimitPolicies> logger)
    {
        _configuration = configuration;
        _logger = logger;
        _current = new Snapshot(0, Bind(configuration, out var problems));
        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException("The rate-limit policies are invalid:\n" + string.Join('\n', problems));
        }

        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The policy's settings and the generation they belong to (part of every partition key).</summary>
    public (RateLimitPolicyOptions? Policy, int Generation) Get(string name)
    {
        var current = Volatile.Read(ref _current);
        return (current.Options.Policies.GetValueOrDefault(name), current.Generation);
    }

    /// <summary>The name of the policy every route partitioned by a client-chosen value is held to as well, if any.</summary>
    public string? ClientPolicy => Volatile.Read(ref _current).Options.ClientPolicy;

    /// <summary>The names declared when the gateway started: each is registered with ASP.NET Core's rate limiter.</summary>
    public static IReadOnlyCollection<string> DeclaredNames(IConfiguration configuration) =>
        [.. configuration.GetSection(RateLimitingOptions.SectionName + ":Policies").GetChildren().Select(child => child.Key)];

    public void Dispose() => _subscription.Dispose();

    private void Reload()
    {
        var options = Bind(_configuration, out var problems);
        if (problems.Count > 0)
        {
            Log.ReloadRejected(_logger, string.Join("; ", problems));
            return;
        }

        var previous = Volatile.Read(ref _current);
        Volatile.Write(ref _current, new Snapshot(previous.Generation + 1, options));
    }

    private static RateLimitingOptions Bind(IConfiguration configuration, out List<string> problems)
    {
        problems = [];
        try
        {
            var options = configuration.GetSection(RateLimitingOptions.SectionName).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
            problems.AddRange(options.Policies.SelectMany(pair => pair.Value.Problems(pair.Key)));
            problems.AddRange(options.ClientPolicyProblems());
            return options;
        }
        catch (InvalidOperationException ex)
        {
            problems.Add($"{RateLimitingOptions.SectionName}: {ex.Message}");
            return new RateLimitingOptions();
        }
    }

    private sealed record Snapshot(int Generation, RateLimitingOptions Options);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Rate-limit policies were not reloaded, the previous ones keep applying: {Problems}")]
        public static partial void ReloadRejected(ILogger logger, string problems);
    }
}
