using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Scripting.Fixtures;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// The transforms in the scripts folder, by name (<c>halopsa</c> is <c>transforms/halopsa.js</c>), kept live: when
/// a file changes, its new version is compiled and checked against its fixtures, and swapped in only if it passes.
/// A version that fails keeps the last good one serving, with the error in <see cref="Status"/>. Routes look a
/// script up by name on every request and keep that version for the whole request.
/// With <see cref="TransformSource.Store"/> the folder is read once, at start (the seed and the fallback), and the
/// versions the store gives are served through <see cref="Serve"/> under the same rule.
/// </summary>
internal sealed partial class TransformCatalog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TransformLoader _loader;
    private readonly TimeProvider _time;
    private readonly ILogger<TransformCatalog> _logger;
    private readonly TransformDirectoryWatcher? _watcher;
    private FrozenDictionary<string, Entry> _entries = FrozenDictionary<string, Entry>.Empty;

    public TransformCatalog(
        IOptions<ScriptingOptions> options, IHostEnvironment environment, TransformLoader loader, TimeProvider time, ILogger<TransformCatalog> logger,
        IOptions<TransformSourceOptions>? source = null)
    {
        _loader = loader;
        _time = time;
        _logger = logger;
        Directory = GatewayPaths.Resolve(environment.ContentRootPath, options.Value.Directory);
        Rescan();
        var live = _entries.Values.Count(e => e.Active is not null);
        if (source?.Value.Source == TransformSource.Store)
        {
            Log.CatalogSeeded(_logger, Directory, live);
            return;
        }

        Log.CatalogLoaded(_logger, Directory, live, options.Value.UsePollingWatcher ? "polling" : "file-system events");
        _watcher = new TransformDirectoryWatcher(Directory, options.Value, Rescan);
    }

    /// <summary>
    /// A version of a transform loaded from its file went live (not one given to <see cref="Serve"/>). Raised on the
    /// thread that re-read the folder, inside the catalog's lock: a handler only takes note.
    /// </summary>
    public event Action<TransformActivation>? FileVersionActivated;

    /// <summary>The absolute path of the scripts folder.</summary>
    public string Directory { get; }

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>The version of <paramref name="name"/> serving now; hold on to it for the whole request.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out CompiledTransform? script)
    {
        script = Volatile.Read(ref _entries).GetValueOrDefault(name)?.Active;
        return script is not null;
    }

    public IReadOnlyList<TransformStatus> Status() =>
        [.. Volatile.Read(ref _entries).Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => e.ToStatus())];

    /// <summary>Why <paramref name="name"/> is not available, for config validation: its error, or that its file is missing.</summary>
    public string DescribeMissing(string name) =>
        Volatile.Read(ref _entries).GetValueOrDefault(name)?.LastError?.ToString()
            ?? $"{Path.Combine(Directory, name + ".js")}: no such transform";

    /// <summary>What serves now, with its content: for the record of versions.</summary>
    public IReadOnlyList<TransformActivation> Serving() =>
        [.. Volatile.Read(ref _entries).Values.Where(e => e.Active is not null).OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => new TransformActivation(e.Name, e.Path, e.Content!, e.Fixtures))];

    /// <summary>The content of the version of <paramref name="name"/> serving now, or null.</summary>
    public TransformContent? ContentOf(string name) => Volatile.Read(ref _entries).GetValueOrDefault(name) is { Active: not null } entry ? entry.Content : null;

    /// <summary>
    /// Serves <paramref name="content"/> as version <paramref name="number"/> of <paramref name="name"/> (a version from
    /// the store), under the rule a file edit follows: it goes live only if it loads and passes its fixtures; else the
    /// serving version stays, with the error in <see cref="Status"/>. The same content already serving only takes the number.
    /// </summary>
    public TransformLoadResult? Serve(string name, TransformContent content, int number)
    {
        lock (_gate)
        {
            var current = _entries.GetValueOrDefault(name);
            if (current is { Active: not null } && current.Fingerprint == content.Fingerprint)
            {
                Swap(name, current with { Version = number });
                return null;
            }

            var path = current?.Path ?? System.IO.Path.Combine(Directory, name + ".js");
            var result = _loader.Load(name, path, content);
            Swap(name, Apply(current, result, content, number));
            return result;
        }
    }

    /// <summary>The store numbered the version serving with <paramref name="fingerprint"/>: its status shows that number.</summary>
    public void Numbered(string name, string fingerprint, int number)
    {
        lock (_gate)
        {
            if (_entries.GetValueOrDefault(name) is { Active: not null } entry && entry.Fingerprint == fingerprint && entry.Version != number)
            {
                Swap(name, entry with { Version = number });
            }
        }
    }

    private void Swap(string name, Entry entry) =>
        Volatile.Write(ref _entries, new Dictionary<string, Entry>(_entries, StringComparer.Ordinal) { [name] = entry }.ToFrozenDictionary(StringComparer.Ordinal));

    public void Dispose() => _watcher?.Dispose();

    /// <summary>
    /// Re-reads the folder; loads what changed. Serialized: the watcher may call it from several timer ticks. It runs on
    /// a timer thread, where an exception would end the process: whatever fails is logged and the serving set stays.
    /// </summary>
    private void Rescan()
    {
        try
        {
            RescanCore();
        }
        catch (Exception ex)
        {
            Log.RescanFailed(_logger, Directory, ex.GetType().Name, ex.Message);
        }
    }

    private void RescanCore()
    {
        lock (_gate)
        {
            var entries = new Dictionary<string, Entry>(_entries, StringComparer.Ordinal);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in EnumerateTransforms(Directory))
            {
                var name = Path.GetFileNameWithoutExtension(path);
                present.Add(name);
                if (TryRead(path) is not { } content)
                {
                    continue;
                }

                var current = entries.GetValueOrDefault(name);
                if (current?.Fingerprint != content.Fingerprint)
                {
                    var result = _loader.Load(name, path, content);
                    entries[name] = Apply(current, result, content, null);
                    if (result.CanActivate)
                    {
                        FileVersionActivated?.Invoke(new TransformActivation(name, path, content, result.Fixtures));
                    }
                }
            }

            foreach (var (name, entry) in entries.Where(pair => !present.Contains(pair.Key)).ToList())
            {
                if (entry.Active is null)
                {
                    entries.Remove(name);
                }
                else if (entry.Fingerprint != Entry.Removed)
                {
                    Log.ScriptRemoved(_logger, name, entry.Version);
                    entries[name] = entry with
                    {
                        Fingerprint = Entry.Removed,
                        LastError = new TransformLoadError(entry.Path, null, null, "the file was removed; the last good version keeps serving until restart", _time.GetUtcNow()),
                    };
                }
            }

            Volatile.Write(ref _entries, entries.ToFrozenDictionary(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// The entry after a load: the new version when it may go live (numbered <paramref name="number"/> by the store, or
    /// the next number here until the store numbers it), else the serving one with the error.
    /// </summary>
    private Entry Apply(Entry? current, TransformLoadResult result, TransformContent content, int? number)
    {
        var fingerprint = content.Fingerprint;
        if (result.CanActivate)
        {
            var version = number ?? (current?.Version ?? 0) + 1;
            Log.ScriptActivated(_logger, result.Name, version, result.Script!.Sha256, result.Fixtures.Count);
            return new Entry(result.Name, result.Path, result.Script, version, null, result.Fixtures, fingerprint, content);
        }

        if (current?.Active is { } serving)
        {
            Log.ScriptRejectedKeepingVersion(_logger, result.Name, result.Error!.ToString(), current.Version, serving.Sha256);
            return current with { LastError = result.Error, Fingerprint = fingerprint };
        }

        Log.ScriptRejected(_logger, result.Name, result.Error!.ToString());
        return new Entry(result.Name, result.Path, null, 0, result.Error, [], fingerprint, null);
    }

    /// <summary>Reads a script and its fixtures; the fingerprint covers both, so a fixture edit re-checks the script.</summary>
    private static TransformContent? TryRead(string path)
    {
        try
        {
            var fixturePath = TransformFixtureRunner.PathFor(path);
            return new TransformContent(File.ReadAllText(path), File.Exists(fixturePath) ? File.ReadAllText(fixturePath) : null);
        }
        catch (IOException)
        {
            // Being written or swapped right now: the event that ends the write brings another rescan.
            return null;
        }
    }

    /// <summary>The transforms in <paramref name="directory"/>: its <c>*.js</c> files with a valid name, in name order.</summary>
    public static IEnumerable<string> EnumerateTransforms(string directory) =>
        System.IO.Directory.Exists(directory)
            ? System.IO.Directory.EnumerateFiles(directory, "*.js", SearchOption.TopDirectoryOnly)
                .Where(path => IsValidName(Path.GetFileNameWithoutExtension(path)))
                .Order(StringComparer.Ordinal)
            : [];

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();

    private sealed record Entry(
        string Name, string Path, CompiledTransform? Active, int Version, TransformLoadError? LastError, IReadOnlyList<FixtureResult> Fixtures, string Fingerprint,
        TransformContent? Content)
    {
        public const string Removed = "removed";

        public TransformStatus ToStatus() => new(
            Name, Path, Active is not null, Version, Active?.Sha256, Active?.LoadedAt, LastError,
            Fixtures.Count(f => f.Passed), Fixtures.Count(f => !f.Passed));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Transform {Transform} version {Version} is live (sha256 {Sha256}, {Fixtures} fixture cases passed)")]
        public static partial void ScriptActivated(ILogger logger, string transform, int version, string sha256, int fixtures);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Transform {Transform} was not loaded: {Error}")]
        public static partial void ScriptRejected(ILogger logger, string transform, string error);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Transforms from {Directory}: {Loaded} live, watching with {Watcher}")]
        public static partial void CatalogLoaded(ILogger logger, string directory, int loaded, string watcher);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Transform {Transform} was not loaded: {Error}; version {Version} (sha256 {Sha256}) keeps serving")]
        public static partial void ScriptRejectedKeepingVersion(ILogger logger, string transform, string error, int version, string sha256);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Transforms in {Directory} could not be re-read ({ExceptionType}: {Error}); the transforms serving now keep serving")]
        public static partial void RescanFailed(ILogger logger, string directory, string exceptionType, string error);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Transforms from {Directory}: {Loaded} live until the store's versions are read (Gateway:Transforms:Source Store)")]
        public static partial void CatalogSeeded(ILogger logger, string directory, int loaded);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Transform {Transform} file was removed; version {Version} keeps serving until restart")]
        public static partial void ScriptRemoved(ILogger logger, string transform, int version);
    }
}
