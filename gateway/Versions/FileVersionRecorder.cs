using System.Collections.Concurrent;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Versions;

/// <summary>
/// With <see cref="TransformSource.Files"/>: every version that goes live from the scripts folder is recorded in the
/// store, once per content (three replicas loading one ConfigMap record it once), and the catalog shows the number the
/// store gave it. The catalog only takes note on its own thread; the store is written here, in the background, and a
/// store that cannot be reached is tried again: the newest content of each transform waits, nothing else.
/// </summary>
internal sealed partial class FileVersionRecorder(TransformCatalog catalog, TransformVersionStore versions, TransformPublisher publisher, ILogger<FileVersionRecorder> logger)
    : BackgroundService
{
    /// <summary>How long a store that failed is left before the waiting versions are tried again.</summary>
    internal static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, TransformActivation> _waiting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        catalog.FileVersionActivated += Take;
        try
        {
            foreach (var serving in catalog.Serving())
            {
                _waiting.TryAdd(serving.Name, serving);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await RecordWaitingAsync(stoppingToken))
                {
                    await Task.Delay(RetryAfter, stoppingToken);
                    continue;
                }

                await _signal.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            catalog.FileVersionActivated -= Take;
        }
    }

    private void Take(TransformActivation activation)
    {
        _waiting[activation.Name] = activation;
        _signal.Release();
    }

    /// <summary>Records what waits; false when the store failed (what failed waits for the next try, unless newer content came).</summary>
    private async Task<bool> RecordWaitingAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, activation) in _waiting.ToArray())
        {
            try
            {
                var draft = new VersionDraft(
                    name, activation.Content, publisher.SettingsOf(name), VersionOrigin.FilesAuthor, $"{Path.GetFileName(activation.Path)} as read from {Path.GetDirectoryName(activation.Path)}",
                    VersionOrigin.File, [.. activation.Fixtures.Select(f => new FixtureVerdict(f.Name, f.Passed))]);
                var version = await versions.RecordAsync(draft, expectedLatest: null, oncePerContent: true, cancellationToken) switch
                {
                    VersionRecord.Recorded recorded => recorded.Version,
                    VersionRecord.Known known => known.Version,
                    _ => null,
                };
                _waiting.TryRemove(KeyValuePair.Create(name, activation));
                if (version is not null)
                {
                    catalog.Numbered(name, activation.Content.Fingerprint, version.Number);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.NotRecorded(logger, name, ex.GetType().Name, ex.Message, RetryAfter);
                return false;
            }
        }

        return true;
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "The version of transform {Transform} that went live from its file is not recorded yet ({ExceptionType}: {Error}); trying again in {RetryAfter}")]
        public static partial void NotRecorded(ILogger logger, string transform, string exceptionType, string error, TimeSpan retryAfter);
    }
}
