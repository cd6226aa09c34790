namespace HaloIlertGateway.Delivery.Sqlite;

/// <summary>
/// Whether the outbox's path still names the file this gateway holds open. A file deleted or replaced under a running
/// process stays open (and writable) for that process while nobody else can see it: events committed to it would be
/// gone at the next start. On Linux the open descriptor says where it is (<c>/proc/self/fd/N</c> reads the path, with
/// " (deleted)" once it is gone, or another name once renamed); elsewhere only a deleted path is seen.
/// </summary>
internal sealed class DatabaseFileIdentity
{
    private readonly string _path;
    private readonly string? _descriptor;
    private readonly string? _target;

    private DatabaseFileIdentity(string path, string? descriptor, string? target)
    {
        _path = path;
        _descriptor = descriptor;
        _target = target;
    }

    /// <summary>
    /// The path as the kernel names the file (symbolic links resolved), read before SQLite opens it: the file is
    /// created empty if it is missing (an empty file is an empty database to SQLite). Closing a descriptor of a file
    /// SQLite has open would drop SQLite's locks, so this is done before, never after.
    /// </summary>
    public static string? CanonicalPath(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new FileInfo($"/proc/self/fd/{file.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
    }

    /// <summary>The identity of the file SQLite opened for <paramref name="path"/> (found by its <paramref name="canonical"/> name among this process's descriptors).</summary>
    public static DatabaseFileIdentity Find(string path, string? canonical)
    {
        if (canonical is not null)
        {
            foreach (var descriptor in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                if (new FileInfo(descriptor).LinkTarget == canonical)
                {
                    return new DatabaseFileIdentity(path, descriptor, canonical);
                }
            }
        }

        return new DatabaseFileIdentity(path, null, null);
    }

    /// <summary>Whether the path names the open file (elsewhere than Linux: whether the path names a file at all).</summary>
    public bool PathNamesOpenFile()
    {
        try
        {
            return _descriptor is null ? File.Exists(_path) : new FileInfo(_descriptor).LinkTarget == _target;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
