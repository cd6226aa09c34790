using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using HaloIlertGateway.Hosting;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// The transforms in the scripts folder, compiled, by name (<c>halopsa</c> is <c>transforms/halopsa.js</c>).
/// Routes look a script up by name on every request, so the catalog is the one place that decides which
/// version of a script serves. A file that does not compile is kept out, with its error.
/// </summary>
internal sealed partial class ScriptCatalog
{
    private readonly ILogger<ScriptCatalog> _logger;
    private readonly FrozenDictionary<string, CompiledScript> _scripts;
    private readonly FrozenDictionary<string, ScriptCompilationException> _errors;

    public ScriptCatalog(IOptions<ScriptingOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<ScriptCatalog> logger)
    {
        _logger = logger;
        Directory = GatewayPaths.Resolve(environment.ContentRootPath, options.Value.Directory);
        var jint = JintSandbox.CreateOptions(options.Value);
        var scripts = new Dictionary<string, CompiledScript>(StringComparer.Ordinal);
        var errors = new Dictionary<string, ScriptCompilationException>(StringComparer.Ordinal);
        foreach (var path in EnumerateScripts(Directory))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            try
            {
                scripts[name] = CompiledScript.Compile(name, path, File.ReadAllText(path), jint, time.GetUtcNow());
                Log.ScriptLoaded(_logger, name, scripts[name].Sha256);
            }
            catch (ScriptCompilationException ex)
            {
                errors[name] = ex;
                Log.ScriptRejected(_logger, name, ex.Message);
            }
        }

        _scripts = scripts.ToFrozenDictionary();
        _errors = errors.ToFrozenDictionary();
        Log.CatalogLoaded(_logger, Directory, _scripts.Count, _errors.Count);
    }

    /// <summary>The absolute path of the scripts folder.</summary>
    public string Directory { get; }

    public IEnumerable<CompiledScript> Scripts => _scripts.Values;

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public bool TryGet(string name, [NotNullWhen(true)] out CompiledScript? script) => _scripts.TryGetValue(name, out script);

    /// <summary>Why <paramref name="name"/> is not available, for config validation: its compile error, or that its file is missing.</summary>
    public string DescribeMissing(string name) =>
        _errors.TryGetValue(name, out var error)
            ? error.Message
            : $"{Path.Combine(Directory, name + ".js")}: no such transform";

    private static IEnumerable<string> EnumerateScripts(string directory) =>
        System.IO.Directory.Exists(directory)
            ? System.IO.Directory.EnumerateFiles(directory, "*.js", SearchOption.TopDirectoryOnly)
                .Where(path => IsValidName(Path.GetFileNameWithoutExtension(path)))
                .Order(StringComparer.Ordinal)
            : [];

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Transform {Transform} loaded (sha256 {Sha256})")]
        public static partial void ScriptLoaded(ILogger logger, string transform, string sha256);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Transform {Transform} was not loaded: {Error}")]
        public static partial void ScriptRejected(ILogger logger, string transform, string error);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Transforms from {Directory}: {Loaded} loaded, {Rejected} rejected")]
        public static partial void CatalogLoaded(ILogger logger, string directory, int loaded, int rejected);
    }
}
