using System.Text.Json;
using HaloIlertGateway.Scripting.Fixtures;
using HaloIlertGateway.Scripting.Sandbox;
using HaloIlertGateway.Scripting.Settings;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Loads one transform the way the gateway accepts it: the file compiles, defines <c>transform</c>, takes the settings
/// <paramref name="configuration"/> gives it (when the script declares its settings and there is a configuration), and
/// passes every case of its <c>&lt;name&gt;.fixtures.json</c> if it has one. Used by the catalog and by <c>transforms check</c>.
/// </summary>
internal sealed class TransformLoader(IOptions<ScriptingOptions> options, TransformRunner runner, TimeProvider time, IConfiguration? configuration = null)
{
    private readonly JintSandbox _jint = JintSandbox.Create(options.Value);
    private readonly TransformFixtureRunner _fixtures = new(runner, TimeSpan.FromMilliseconds(options.Value.FixtureTimeoutMilliseconds));

    public TransformLoadResult Load(string name, string scriptPath) => Load(name, scriptPath, File.ReadAllText(scriptPath));

    /// <summary>Compiles only (no fixtures): for a script submitted to the test endpoint. Throws <see cref="TransformCompilationException"/>.</summary>
    public CompiledTransform Compile(string name, string label, string source) => CompiledTransform.Compile(name, label, source, _jint, time.GetUtcNow());

    /// <summary>Loads <paramref name="source"/> as the file at <paramref name="scriptPath"/>, with the fixture file beside it.</summary>
    public TransformLoadResult Load(string name, string scriptPath, string source)
    {
        var fixturePath = TransformFixtureRunner.PathFor(scriptPath);
        return Load(name, scriptPath, new TransformContent(source, File.Exists(fixturePath) ? File.ReadAllText(fixturePath) : null));
    }

    /// <summary>
    /// Loads a version as it is kept (a file's content, or a version from the store): the script, labelled
    /// <paramref name="scriptPath"/> in errors, and its fixtures' text, checked as the file beside it would be.
    /// </summary>
    public TransformLoadResult Load(string name, string scriptPath, TransformContent content)
    {
        var source = content.Script;
        var now = time.GetUtcNow();
        CompiledTransform script;
        try
        {
            script = CompiledTransform.Compile(name, scriptPath, source, _jint, now);
        }
        catch (TransformCompilationException ex)
        {
            return new TransformLoadResult(name, scriptPath, null, new TransformLoadError(ex.Path, ex.Line, ex.Column, ex.Reason, now), []);
        }

        // A version whose declaration does not take the settings proxy.json gives would fail every request: keep it out.
        if (script.Settings is { } declared && configuration is not null && SettingsProblems(name, declared, content) is { Count: > 0 } problems)
        {
            var whose = content.Settings is null ? "the settings in proxy.json" : "the settings published with it";
            return new TransformLoadResult(name, scriptPath, script, new TransformLoadError(
                scriptPath, declared.Line, 1, whose + " do not fit the script's declaration: " + string.Join("; ", problems), now), []);
        }

        var fixturePath = TransformFixtureRunner.PathFor(scriptPath);
        if (content.Fixtures is null)
        {
            WarmUp(script, null);
            return new TransformLoadResult(name, scriptPath, script, null, []);
        }

        TransformFixtureFile fixtures;
        try
        {
            fixtures = TransformFixtureFile.Parse(content.Fixtures);
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber + 1;
            var column = ex.BytePositionInLine + 1;
            return new TransformLoadResult(name, scriptPath, script, new TransformLoadError(fixturePath, (int?)line, (int?)column, "the fixture file is not valid: " + ex.Message.Split(" Path:")[0], now), []);
        }

        WarmUp(script, fixtures);
        var results = fixtures.Cases.Select(fixture => _fixtures.Run(script, fixtures, fixture)).ToList();
        var firstFailure = results.FirstOrDefault(result => !result.Passed);
        var error = firstFailure is null ? null : FixtureError(scriptPath, fixturePath, firstFailure, results.Count(result => !result.Passed), now);
        return new TransformLoadResult(name, scriptPath, script, error, results);
    }

    /// <summary>
    /// One run whose outcome is ignored, before the fixtures are judged and the version goes live: it compiles the
    /// code paths the script takes (the gateway's and Jint's), so neither a fixture nor the first live request pays for
    /// that on a cold or busy machine. Its first fixture case, or an empty JSON event when it has none.
    /// </summary>
    private void WarmUp(CompiledTransform script, TransformFixtureFile? fixtures)
    {
        if (fixtures is { Cases.Count: > 0 })
        {
            _fixtures.Run(script, fixtures, fixtures.Cases[0]);
            return;
        }

        var request = new IncomingRequest("POST", "/", EmptyStrings, EmptyStrings, EmptyStrings, TransformBody.Json("{}"u8.ToArray()));
        runner.Run(script, request, TransformContext.For(script.Name, time.GetUtcNow(), ReadOnlyMemory<byte>.Empty, EmptyStrings), _jint.FixtureTimeout);
    }

    private IReadOnlyList<string> SettingsProblems(string name, Settings.SettingsDeclaration declared, TransformContent content) => content.Settings is { } published
        ? DeclaredSettingsCheck.ForPublished(configuration!, name, declared, System.Text.Encoding.UTF8.GetBytes(published))
        : DeclaredSettingsCheck.ForTransform(configuration!, name, declared);

    private static readonly IReadOnlyDictionary<string, string> EmptyStrings = new Dictionary<string, string>();

    /// <summary>A failed fixture points at the script line when the script threw, else at the fixture file.</summary>
    private static TransformLoadError FixtureError(string scriptPath, string fixturePath, FixtureResult failure, int failed, DateTimeOffset now)
    {
        var message = $"{failed} fixture case(s) failed; first: \"{failure.Name}\": {failure.Failure}";
        return failure.Outcome is TransformOutcome.Fail { Failure.Line: not null } fail
            ? new TransformLoadError(scriptPath, fail.Failure.Line, fail.Failure.Column, message, now)
            : new TransformLoadError(fixturePath, null, null, message, now);
    }
}
