using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace HaloIlertGateway.Hosting;

/// <summary>
/// A folder's files for configuration, with change notification that survives how Kubernetes updates a mounted
/// ConfigMap: the visible file is a symlink into <c>..data</c>, and <c>..data</c> is swapped atomically, so no event
/// ever names the file itself (the stock provider, which filters events by file name, never reloads). Here any event
/// in the folder, and a check every second besides, compares the content of each watched file (through its links)
/// with what it was; a file whose content changed fires its change token.
/// </summary>
internal sealed class MountedFileProvider : IFileProvider, IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly PhysicalFileProvider _files;
    private readonly string _root;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private readonly Timer _poll;
    private readonly Timer _debounced;
    private readonly FileSystemWatcher? _watcher;

    public MountedFileProvider(string root)
    {
        _root = root;
        _files = new PhysicalFileProvider(root);
        _poll = new Timer(_ => Check(), null, Interval, Interval);
        _debounced = new Timer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Directory.Exists(root))
        {
            _watcher = new FileSystemWatcher(root)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler changed = (_, _) => _debounced.Change(Debounce, Timeout.InfiniteTimeSpan);
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, _) => _debounced.Change(Debounce, Timeout.InfiniteTimeSpan);
            _watcher.EnableRaisingEvents = true;
        }
    }

    public IFileInfo GetFileInfo(string subpath) => _files.GetFileInfo(subpath);

    public IDirectoryContents GetDirectoryContents(string subpath) => _files.GetDirectoryContents(subpath);

    public IChangeToken Watch(string filter)
    {
        lock (_gate)
        {
            if (!_watched.TryGetValue(filter, out var watched))
            {
                watched = new Watched(Fingerprint(filter));
                _watched[filter] = watched;
            }

            return new CancellationChangeToken(watched.Changed.Token);
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _poll.Dispose();
        _debounced.Dispose();
        _files.Dispose();
    }

    /// <summary>Runs on timer threads: nothing may escape (an exception there would end the process).</summary>
    private void Check()
    {
        try
        {
            List<CancellationTokenSource> fire = [];
            lock (_gate)
            {
                foreach (var (filter, watched) in _watched.ToList())
                {
                    var now = Fingerprint(filter);
                    if (now != watched.Fingerprint)
                    {
                        fire.Add(watched.Changed);
                        _watched[filter] = new Watched(now);
                    }
                }
            }

            fire.ForEach(source => source.Cancel());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException or AggregateException)
        {
            // The next check tries again.
        }
    }

    /// <summary>The content's digest, through any symlinks; empty when the file is missing or being swapped.</summary>
    private string Fingerprint(string filter)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(_root, filter))));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private sealed record Watched(string Fingerprint)
    {
        public CancellationTokenSource Changed { get; } = new();
    }
}
