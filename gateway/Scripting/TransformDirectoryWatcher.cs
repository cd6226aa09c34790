namespace HaloIlertGateway.Scripting;

/// <summary>
/// Calls back when the scripts folder may have changed: after a quiet period following file-system events
/// (editors' temp file + rename, a Kubernetes <c>..data</c> symlink swap: any event in the folder counts), or
/// on every tick when polling. The callback re-reads the folder and decides what really changed.
/// </summary>
internal sealed class TransformDirectoryWatcher : IDisposable
{
    private readonly Timer _timer;
    private FileSystemWatcher? _watcher;

    public TransformDirectoryWatcher(string directory, ScriptingOptions options, Action onChange)
    {
        var debounce = TimeSpan.FromMilliseconds(options.ReloadDebounceMilliseconds);
        if (options.UsePollingWatcher)
        {
            var interval = TimeSpan.FromMilliseconds(options.PollingIntervalMilliseconds);
            _timer = new Timer(_ => onChange(), null, interval, interval);
            return;
        }

        _timer = new Timer(_ => onChange(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (!Directory.Exists(directory))
        {
            return;
        }

        _watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        void Schedule() => _timer.Change(debounce, Timeout.InfiniteTimeSpan);
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Deleted += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        // A buffer overflow loses events: re-read everything.
        _watcher.Error += (_, _) => Schedule();
        try
        {
            _watcher.EnableRaisingEvents = true;
        }
        catch (IOException)
        {
            // No inotify instance left (a per-user limit): poll instead of not starting at all.
            _watcher.Dispose();
            _watcher = null;
            var interval = TimeSpan.FromMilliseconds(options.PollingIntervalMilliseconds);
            _timer.Change(interval, interval);
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _timer.Dispose();
    }
}
