namespace HaloIlertGateway.Delivery;

/// <summary>
/// One gateway per outbox: an exclusive lock on <c>&lt;database&gt;.lock</c>, held for the process's life. A second
/// gateway on the same file would clear the first one's claims at start and send events twice; it is refused instead.
/// The lock is the OS's (released when the process ends, however it ends), so a killed gateway leaves nothing to clean.
/// </summary>
internal sealed class OutboxLock : IDisposable
{
    private readonly FileStream _file;

    private OutboxLock(FileStream file) => _file = file;

    public static OutboxLock Acquire(string databasePath)
    {
        var path = databasePath + ".lock";
        try
        {
            return new OutboxLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new OutboxUnavailableException(
                $"The outbox {databasePath} is in use by another gateway process (it holds {path}). Run one gateway per outbox: "
                + "stop the other one, or give this one its own Gateway:Delivery:DatabasePath.", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
