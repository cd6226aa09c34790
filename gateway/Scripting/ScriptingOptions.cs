using System.ComponentModel.DataAnnotations;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Where transforms live and the sandbox every transform run is held to. Section <c>Gateway:Scripting</c>.
/// Every limit is finite; there is no "unlimited".
/// </summary>
public sealed class ScriptingOptions
{
    public const string SectionName = "Gateway:Scripting";

    /// <summary>Folder of <c>&lt;name&gt;.js</c> transforms, relative to the content root. Default <c>transforms</c>.</summary>
    [Required]
    public string Directory { get; set; } = "transforms";

    /// <summary>
    /// Poll the folder instead of using file-system events: for mounts that do not raise events reliably
    /// (Kubernetes ConfigMaps, network shares). Default: on when <c>DOTNET_USE_POLLING_FILE_WATCHER</c> is true or 1.
    /// </summary>
    public bool UsePollingWatcher { get; set; } = Environment.GetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER") is "true" or "1";

    /// <summary>How often the folder is polled when <see cref="UsePollingWatcher"/> is on, in milliseconds. Default 1,000.</summary>
    [Range(100, 60_000)]
    public int PollingIntervalMilliseconds { get; set; } = 1_000;

    /// <summary>Quiet time after a file-system event before the folder is re-read, in milliseconds. Default 250.</summary>
    [Range(10, 10_000)]
    public int ReloadDebounceMilliseconds { get; set; } = 250;

    /// <summary>
    /// Time limit of one live run, in milliseconds: CPU time of the run's thread, counted from the moment the script is
    /// called, with a wall-clock backstop of twice the limit (where the OS gives no thread CPU time: wall clock).
    /// A machine that is busy elsewhere therefore does not fail a healthy script. Default 250.
    /// </summary>
    [Range(1, 10_000)]
    public int TimeoutMilliseconds { get; set; } = 250;

    /// <summary>
    /// Time limit of one fixture run when a transform is loaded or reloaded, in milliseconds (same clock as
    /// <see cref="TimeoutMilliseconds"/>). Generous: a cold engine on a busy machine must not fail its fixtures and
    /// keep the gateway from starting. Fixtures run after a warm-up run. Default 5,000.
    /// </summary>
    [Range(100, 120_000)]
    public int FixtureTimeoutMilliseconds { get; set; } = 5_000;

    /// <summary>Statements one run may execute. Default 1,000,000.</summary>
    [Range(1_000, 100_000_000)]
    public int MaxStatements { get; set; } = 1_000_000;

    /// <summary>Bytes one run may allocate. Default 32 MiB.</summary>
    [Range(1_048_576, 1_073_741_824)]
    public long MemoryLimitBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// How deep one function may recurse: calls of the same function on the stack at once (Jint counts per function;
    /// a chain of different functions is not counted). Default 100.
    /// </summary>
    [Range(8, 1_000)]
    public int RecursionLimit { get; set; } = 100;

    /// <summary>Time one regular-expression match may take, in milliseconds. Default 100.</summary>
    [Range(1, 5_000)]
    public int RegexTimeoutMilliseconds { get; set; } = 100;

    /// <summary>Nesting depth of JSON, both the request body and <c>JSON.parse</c> in a script. Default 64.</summary>
    [Range(2, 512)]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// Elements and attributes of an XML body, or fields of a form body, that the gateway makes into the value a script
    /// reads; a body with more is refused (400) before anything else is done with it. Default 10,000.
    /// </summary>
    [Range(16, 1_000_000)]
    public int MaxBodyNodes { get; set; } = 10_000;

    /// <summary>
    /// Length of one array a script creates, and of the result of <c>flat</c>, <c>flatMap</c> and <c>concat</c>. Default 1,000,000.
    /// </summary>
    [Range(1_000, 100_000_000)]
    public int MaxArrayLength { get; set; } = 1_000_000;

    /// <summary>
    /// Length in characters of a string that one built-in call may produce (<c>repeat</c>, <c>padStart</c>,
    /// <c>padEnd</c>, <c>join</c> and <c>String()</c> of arrays, <c>concat</c>, <c>replace</c>, <c>replaceAll</c>,
    /// <c>encodeURIComponent</c> and friends, case conversion, <c>normalize</c>), and in UTF-8 bytes of
    /// <c>JSON.stringify</c>, the returned body and a <c>context.log</c> argument. Checked before the built-in runs,
    /// so the string is never made. Default 4,194,304.
    /// </summary>
    [Range(65_536, 268_435_456)]
    public int MaxStringLength { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request body a transform route buffers, in bytes (larger: 413). Default 1 MiB.</summary>
    [Range(1_024, 104_857_600)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary><c>context.log</c> lines kept per run; the rest are counted, not logged. Default 20.</summary>
    [Range(0, 1_000)]
    public int MaxLogLinesPerRun { get; set; } = 20;

    /// <summary>Characters kept of one <c>context.log</c> line. Default 1,000.</summary>
    [Range(16, 100_000)]
    public int MaxLogLineLength { get; set; } = 1_000;
}
