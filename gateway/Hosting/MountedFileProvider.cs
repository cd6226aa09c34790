using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace HaloIlertGateway.Hosting;

/// <summary>
/// A folder's files for configuration, with change notification that survives how Kubernetes updates a mounted
/// ConfigMap: the visible file is a symlink into <c>..data</c>, and <c>..data</c> is swapped atomically, so no event
/// ever names the file itself (the stock provider, which filters events by file name, never reloads). Here a check
/// every second compares the content of each watched file (through its links) with what it was; a file whose content
/// changed fires its change token. Polling a file or two costs nothing and needs no inotify instance (a per-user
/// resource that runs out).
/// </summary>
internal sealed class MountedFileProvider : IFileProvider, IHostedService, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly PhysicalFileProvider _files;
    private readonly string _root;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private readonly Timer _poll;

    public MountedFileProvider(string root)
    {
        _root = root;
        _files = new PhysicalFileProvider(root);
        _poll = new Timer(_ => Check(), null, Interval, Interval);
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

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Made before the host, stopped with it: the host runs it as a hosted service for that.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _poll.Dispose();
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
