using HaloIlertGateway.Delivery;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Versions;

/// <summary>
/// With <see cref="TransformSource.Store"/>: the store is the truth. At start, each transform read from the folder
/// that the store does not have becomes its version 1 (origin <c>file</c>); then, every poll interval, a replica asks the
/// store for the latest number of each transform and serves any it does not serve yet (at once when PostgreSQL
/// notifies a new version: <see cref="StoreSignals.TransformsChanged"/>), under the catalog's rule (a
/// version that does not load here keeps the serving one, said once in the log). A store that cannot be read leaves
/// the serving versions serving, and <see cref="Problem"/> says so (readiness: Degraded).
/// </summary>
internal sealed partial class StoreTransformSource(
    TransformCatalog catalog, TransformVersionStore versions, TransformPublisher publisher, StoreSignals signals, IOptions<TransformSourceOptions> options,
    TimeProvider time, ILogger<StoreTransformSource> logger) : BackgroundService
{
    /// <summary>The latest number of each transform that did not load here: not tried again (its error is logged once).</summary>
    private readonly Dictionary<string, int> _refused = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private bool _seeded;
    private bool _synced;
    private bool _failing;

    /// <summary>Why the serving versions may be behind the store's (not read yet, or not since a time), or null.</summary>
    public string? Problem => _unreadable ?? _refusedHere;

    private volatile string? _unreadable = "The transforms' versions have not been read from the store yet; the files' versions serve.";

    /// <summary>The store's latest versions that do not load on this replica, said for readiness; null when every latest one serves.</summary>
    private volatile string? _refusedHere;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        signals.TransformsChanged += OnChanged;
        try
        {
            await SyncUntilStoppedAsync(stoppingToken);
        }
        finally
        {
            signals.TransformsChanged -= OnChanged;
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private void OnChanged() => _changed.Release();

    private async Task SyncUntilStoppedAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await SyncAsync(stoppingToken);
                if (_failing)
                {
                    Log.StoreReadAgain(logger);
                }

                _unreadable = null;
                _failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (!_failing)
                {
                    _failing = true;
                    Log.StoreUnreadable(logger, ex.GetType().Name, ex.Message);
                    _unreadable = $"The transforms' versions could not be read from the store since {time.GetUtcNow():u} ({ex.GetType().Name}); the versions serving keep serving.";
                }
            }
        }
        while (await WaitAsync(stoppingToken));
    }

    /// <summary>Until a notification or the poll interval; false once stopping.</summary>
    private async Task<bool> WaitAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _changed.WaitAsync(options.Value.StorePollInterval, stoppingToken);
            // A burst of notifications is one look.
            while (_changed.CurrentCount > 0 && _changed.Wait(0, CancellationToken.None))
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Seeds once, then serves every newer version the store has.</summary>
    internal async Task SyncAsync(CancellationToken cancellationToken)
    {
        if (!_seeded)
        {
            await SeedAsync(cancellationToken);
            _seeded = true;
        }

        // Compared with what the catalog serves, not with what was last given to it: two publishes on this replica may
        // reach the catalog out of order, and the next look puts the latest back. Before the first look the catalog's
        // numbers are the files' own, not the store's.
        var serving = catalog.Status().Where(status => status.Serving).ToDictionary(status => status.Name, status => status.Version, StringComparer.Ordinal);
        foreach (var (name, number) in await versions.LatestNumbersAsync(cancellationToken))
        {
            if ((_synced && serving.GetValueOrDefault(name) == number) || _refused.GetValueOrDefault(name) == number)
            {
                continue;
            }

            if (await versions.GetAsync(name, number, cancellationToken) is not { } version || version.ToContent() is not { } content)
            {
                continue;
            }

            if (catalog.Serve(name, content, number) is { CanActivate: false } refused)
            {
                _refused[name] = number;
                Log.VersionRefused(logger, name, number, version.Author, refused.Error!.ToString());
            }
            else
            {
                _refused.Remove(name);
            }
        }

        _synced = true;
        _refusedHere = _refused.Count == 0 ? null
            : "The store's latest version does not load on this replica (its proxy.json differs?), the one before keeps serving: "
                + string.Join(", ", _refused.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} version {pair.Value}"))
                + "; the reason is in the log (event 6004).";
    }

    /// <summary>Each transform of the folder the store has no version of becomes its version 1; one replica wins, the others find it there.</summary>
    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var file in catalog.Serving())
        {
            var draft = new VersionDraft(
                file.Name, file.Content, publisher.SettingsOf(file.Name), VersionOrigin.FilesAuthor, $"Seeded from {Path.GetFileName(file.Path)}", VersionOrigin.File,
                [.. file.Fixtures.Select(f => new FixtureVerdict(f.Name, f.Passed))]);
            if (await versions.RecordAsync(draft, expectedLatest: 0, oncePerContent: false, cancellationToken) is VersionRecord.Recorded recorded)
            {
                Log.Seeded(logger, file.Name, recorded.Version.Sha256);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Transform {Transform} had no version in the store: its file is version 1 (sha256 {Sha256})")]
        public static partial void Seeded(ILogger logger, string transform, string sha256);

        [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "Version {Version} of transform {Transform} by {Author} does not load on this replica ({Error}); the serving version keeps serving")]
        public static partial void VersionRefused(ILogger logger, string transform, int version, string author, string error);

        [LoggerMessage(EventId = 6005, Level = LogLevel.Error, Message = "The transforms' versions could not be read from the store ({ExceptionType}: {Error}); the versions serving keep serving until it can")]
        public static partial void StoreUnreadable(ILogger logger, string exceptionType, string error);

        [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "The transforms' versions are read from the store again")]
        public static partial void StoreReadAgain(ILogger logger);
    }
}
