using HaloIlertGateway.Hosting;
using Microsoft.Extensions.Primitives;

namespace HaloIlertGateway.Security;

/// <summary>
/// The inbound checks of <c>Gateway:InboundAuth</c>, live. On a configuration reload they are bound and checked
/// again (every secret a valid reference that resolves); valid ones replace the old, invalid ones are logged and the
/// old keep applying. At start, invalid checks stop the gateway with every problem listed. The names are fixed at
/// start: each is an authentication scheme and an authorization policy.
/// </summary>
internal sealed partial class InboundAuthChecks : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly CredentialRules _rules;
    private readonly ILogger<InboundAuthChecks> _logger;
    private readonly IDisposable _subscription;
    private Dictionary<string, InboundAuthOptions> _checks;

    public InboundAuthChecks(IConfiguration configuration, CredentialRules rules, ILogger<InboundAuthChecks> logger)
    {
        _configuration = configuration;
        _rules = rules;
        _logger = logger;
        _checks = Bind(out var problems);
        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException("The inbound auth checks are invalid:\n" + string.Join('\n', problems));
        }

        Names = _checks.Keys.ToHashSet(StringComparer.Ordinal);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public IReadOnlySet<string> Names { get; }

    public InboundAuthOptions? Get(string name) => Volatile.Read(ref _checks).GetValueOrDefault(name);

    public void Dispose() => _subscription.Dispose();

    private void Reload()
    {
        var checks = Bind(out var problems);
        if (problems.Count > 0)
        {
            Log.ReloadRejected(_logger, string.Join("; ", problems));
            return;
        }

        Volatile.Write(ref _checks, checks);
    }

    private Dictionary<string, InboundAuthOptions> Bind(out List<string> problems)
    {
        problems = [];
        var checks = new Dictionary<string, InboundAuthOptions>(StringComparer.Ordinal);
        foreach (var section in _configuration.GetSection(InboundAuthOptions.SectionName).GetChildren())
        {
            var where = $"{InboundAuthOptions.SectionName}:{section.Key}";
            InboundAuthOptions options;
            try
            {
                options = section.Get<InboundAuthOptions>() ?? new InboundAuthOptions();
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"{where}: {ex.Message}");
                continue;
            }

            if (options.Secrets.Count == 0)
            {
                problems.Add($"{where}: Secrets lists no secret (give env:NAME or file:/path references).");
            }

            problems.AddRange(options.Secrets.Select(reference => _rules.DescribeUnusableSecret(reference)).OfType<string>().Select(problem => $"{where}: {problem}"));
            if (options.Header is not null && string.IsNullOrWhiteSpace(options.Header))
            {
                problems.Add($"{where}: Header is empty (leave it out for the kind's default).");
            }

            if (options.TimestampTolerance <= TimeSpan.Zero || options.TimestampTolerance > TimeSpan.FromHours(1))
            {
                problems.Add($"{where}: TimestampTolerance must be more than 0 and at most 01:00:00, not {options.TimestampTolerance}.");
            }

            if (options.ReplayWindow is { } window && (window <= TimeSpan.Zero || window > TimeSpan.FromDays(365)))
            {
                problems.Add($"{where}: ReplayWindow must be more than 0 and at most 365.00:00:00, not {window}.");
            }

            if (options.MaxBodyBytes <= 0)
            {
                problems.Add($"{where}: MaxBodyBytes must be a positive number of bytes, not {options.MaxBodyBytes}.");
            }

            checks[section.Key] = options;
        }

        return checks;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Inbound auth checks were not reloaded, the previous ones keep applying: {Problems}")]
        public static partial void ReloadRejected(ILogger logger, string problems);
    }
}
