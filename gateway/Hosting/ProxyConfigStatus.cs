namespace HaloIlertGateway.Hosting;

/// <summary>
/// Whether the routing configuration serving now is the one in the file: when it was last applied, and why the latest
/// change was refused (a file that does not parse, or a configuration YARP found invalid), if it was. Read by
/// <c>/readyz</c> and the operator page; the last good configuration keeps serving meanwhile.
/// </summary>
internal sealed partial class ProxyConfigStatus
{
    private readonly TimeProvider _time;
    private readonly ILogger<ProxyConfigStatus> _logger;
    private string? _fileError;
    private string? _configError;

    public ProxyConfigStatus(TimeProvider time, ILogger<ProxyConfigStatus> logger, IConfiguration configuration)
    {
        _time = time;
        _logger = logger;
        foreach (var source in (configuration as IConfigurationRoot)?.Providers.OfType<GuardedJsonConfigurationSource.Provider>() ?? [])
        {
            source.Parsed += () => _fileError = null;
            source.Refused += reason => Refuse(ref _fileError, reason);
        }
    }

    /// <summary>When YARP last applied a configuration.</summary>
    public DateTimeOffset? AppliedAt { get; private set; }

    /// <summary>Why the latest change was refused (the file and position where known), or null when the file is serving.</summary>
    public string? RefusedBecause => _fileError ?? _configError;

    /// <summary>YARP applied a configuration: it no longer refuses one (a file that does not parse is cleared when it parses).</summary>
    public void Applied()
    {
        AppliedAt = _time.GetUtcNow();
        _configError = null;
    }

    /// <summary>YARP refused the configuration it was given (it failed validation).</summary>
    public void ConfigRefused(string reason) => Refuse(ref _configError, reason);

    private void Refuse(ref string? slot, string reason)
    {
        // Logged before readiness can show it: whoever reads the reason there finds it in the log too.
        Log.Refused(_logger, reason, AppliedAt);
        slot = reason;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "The routing configuration was not applied: {Reason}. The configuration applied at {AppliedAt:u} keeps serving")]
        public static partial void Refused(ILogger logger, string reason, DateTimeOffset? appliedAt);
    }
}
