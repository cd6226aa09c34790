using HaloIlertGateway.Scripting.Sandbox;
using Microsoft.Extensions.ObjectPool;
using Acornima.Ast;
using HaloIlertGateway.Scripting.Settings;
using Jint;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// One version of a transform: parsed once, run by a small pool of engines (an engine is reused after a
/// successful run, so a run costs a call, not a parse). Immutable; a new file version is a new instance.
/// </summary>
internal sealed class CompiledTransform
{
    private readonly Prepared<Script> _prepared;
    private readonly JintSandbox _sandbox;
    private readonly ObjectPool<TransformEngine> _idle;

    private CompiledTransform(string name, string path, string sha256, DateTimeOffset loadedAt, Prepared<Script> prepared, SettingsDeclaration? settings, JintSandbox sandbox)
    {
        Settings = settings;
        Name = name;
        Path = path;
        Sha256 = sha256;
        LoadedAt = loadedAt;
        _prepared = prepared;
        _sandbox = sandbox;
        // Lock-free (one fast slot plus an array taken by compare-and-swap); engines past the bound are disposed.
        _idle = new DefaultObjectPoolProvider { MaximumRetained = Environment.ProcessorCount * 4 }.Create(new EnginePolicy(this));
    }

    public string Name { get; }

    public string Path { get; }

    public string Sha256 { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>The settings the script declares (<c>const settings = { ... }</c>), or null when it declares none and reads them raw.</summary>
    public SettingsDeclaration? Settings { get; }

    /// <summary>
    /// Parses <paramref name="source"/>, refuses syntax the sandbox does not run, and loads it in one engine to prove
    /// that it defines <c>transform</c>. Throws <see cref="TransformCompilationException"/> with file, line and column on
    /// failure, whatever the script does: nothing here throws anything else.
    /// </summary>
    public static CompiledTransform Compile(string name, string path, string source, JintSandbox sandbox, DateTimeOffset loadedAt)
    {
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)));
        Prepared<Script> prepared;
        try
        {
            // Options.Strict does not reach a prepared script: strict mode is a parsing choice, made here.
            prepared = Engine.PrepareScript(source, path, strict: true);
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is Acornima.ParseErrorException parse)
        {
            throw new TransformCompilationException(path, parse.Description ?? parse.Message, parse.LineNumber, parse.Column + 1, ex);
        }
        catch (Exception ex) when (ex is not TransformCompilationException)
        {
            throw new TransformCompilationException(path, TransformFailure.From(ex, name).Message, null, null, ex);
        }

        TransformSyntaxCheck.Check(prepared.Program!, path);
        var settings = SettingsDeclarationReader.Read(prepared.Program!, path);
        var script = new CompiledTransform(name, path, sha256, loadedAt, prepared, settings, sandbox);
        var cpu = RegexTimeoutRetry.Start();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                script.Return(script.CreateEngine());
                return script;
            }
            catch (Exception ex) when (attempt == 1 && RegexTimeoutRetry.IsRegexTimeout(ex)
                && RegexTimeoutRetry.WasTheMachine(cpu, TimeSpan.FromMilliseconds(sandbox.Limits.RegexTimeoutMilliseconds)))
            {
                // The machine, not the expression, held the script's top level up past the regex limit: load it once more.
            }
            catch (Exception ex)
            {
                var failure = TransformFailure.From(ex, name);
                throw new TransformCompilationException(path, failure.Message, failure.Line, failure.Column, ex);
            }
        }
    }

    public TransformEngine Rent() => _idle.Get();

    /// <summary>
    /// Gives back an engine whose run succeeded or failed by the script's own error (one a limit stopped is disposed
    /// instead: it may hold half-changed state). One that cannot run again is disposed here.
    /// </summary>
    public void Return(TransformEngine engine)
    {
        if (engine.CanRunAgain)
        {
            _idle.Return(engine);
        }
        else
        {
            engine.Dispose();
        }
    }

    private TransformEngine CreateEngine() => new(Name, _sandbox, _prepared, Settings);

    private sealed class EnginePolicy(CompiledTransform script) : IPooledObjectPolicy<TransformEngine>
    {
        public TransformEngine Create() => script.CreateEngine();

        public bool Return(TransformEngine obj) => true;
    }
}
