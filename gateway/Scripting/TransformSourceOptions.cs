using HaloIlertGateway.Hosting;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Where the truth about transforms lives. Section <c>Gateway:Transforms</c> (beside each transform's
/// <c>&lt;name&gt;:Settings</c>).
/// </summary>
public sealed class TransformSourceOptions
{
    public const string SectionName = "Gateway:Transforms";

    /// <summary>
    /// <c>Files</c> (default): the scripts folder serves, as a Git checkout or a ConfigMap gives it; every version that
    /// goes live is recorded in the store, and publishing through the API is refused in a cluster (every replica reads its
    /// own folder). <c>Store</c>: the store serves; the files seed version 1 of a transform the store does not have, and a
    /// version published through the API, the page or the CLI serves on every replica within
    /// <see cref="StorePollInterval"/>.
    /// </summary>
    public TransformSource Source { get; set; } = TransformSource.Files;

    /// <summary>
    /// In <c>Store</c> mode, how often a replica asks the store for newer versions (PostgreSQL's notifications wake it
    /// sooner). Default 1 s; 100 ms to 10 s.
    /// </summary>
    [TimeSpanRange("00:00:00.100", "00:00:10")]
    public TimeSpan StorePollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
