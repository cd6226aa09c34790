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

    /// <summary>The largest script a publish, a save or a rollback may record, in UTF-8 bytes. Default 1 MiB (the shipped ones are under 20 KiB).</summary>
    [System.ComponentModel.DataAnnotations.Range(1_024, 16 * 1_048_576)]
    public int MaxScriptBytes { get; set; } = 1_048_576;

    /// <summary>The largest fixture file a publish may record, in UTF-8 bytes. Default 4 MiB (the shipped ones are under 64 KiB).</summary>
    [System.ComponentModel.DataAnnotations.Range(1_024, 64 * 1_048_576)]
    public int MaxFixturesBytes { get; set; } = 4 * 1_048_576;

    /// <summary>The longest message (why a version was made), in characters. Default 1,000.</summary>
    [System.ComponentModel.DataAnnotations.Range(10, 100_000)]
    public int MaxMessageLength { get; set; } = 1_000;

    /// <summary>
    /// The most lines a diff compares per side (script, or fixtures): the cost of a diff grows with the square of the
    /// lines that differ, and a read user may ask for one. A larger diff is refused (413). Default 10,000.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(100, 1_000_000)]
    public int MaxDiffLines { get; set; } = 10_000;
}
