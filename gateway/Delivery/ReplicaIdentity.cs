namespace HaloIlertGateway.Delivery;

/// <summary>
/// This gateway as the cluster names it in leases and heartbeats: host name and process id (and which gateway of the
/// process, when a test host runs several in one process).
/// </summary>
internal sealed class ReplicaIdentity
{
    private static int _instances;

    public string Name { get; } = Interlocked.Increment(ref _instances) is var n && n == 1
        ? $"{Environment.MachineName}/{Environment.ProcessId}"
        : $"{Environment.MachineName}/{Environment.ProcessId}#{n}";
}
