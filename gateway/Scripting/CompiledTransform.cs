using System.Collections.Concurrent;
using Acornima.Ast;
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
    private readonly ConcurrentBag<TransformEngine> _idle = [];
    private readonly int _maxIdle = Environment.ProcessorCount * 4;
    private int _idleCount;

    private CompiledTransform(string name, string path, string sha256, DateTimeOffset loadedAt, Prepared<Script> prepared, JintSandbox sandbox)
    {
        Name = name;
        Path = path;
        Sha256 = sha256;
        LoadedAt = loadedAt;
        _prepared = prepared;
        _sandbox = sandbox;
    }

    public string Name { get; }

    public string Path { get; }

    public string Sha256 { get; }

    public DateTimeOffset LoadedAt { get; }

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
        var script = new CompiledTransform(name, path, sha256, loadedAt, prepared, sandbox);
        try
        {
            script.Return(script.CreateEngine());
        }
        catch (Exception ex)
        {
            var failure = TransformFailure.From(ex, name);
            throw new TransformCompilationException(path, failure.Message, failure.Line, failure.Column, ex);
        }

        return script;
    }

    public TransformEngine Rent()
    {
        if (_idle.TryTake(out var engine))
        {
            Interlocked.Decrement(ref _idleCount);
            return engine;
        }

        return CreateEngine();
    }

    public void Return(TransformEngine engine)
    {
        // Counted here: ConcurrentBag.Count locks every thread's list, which showed up as lock contention under load.
        if (Interlocked.Increment(ref _idleCount) <= _maxIdle)
        {
            _idle.Add(engine);
        }
        else
        {
            Interlocked.Decrement(ref _idleCount);
            engine.Dispose();
        }
    }

    private TransformEngine CreateEngine() => new(Name, _sandbox, _prepared);
}
