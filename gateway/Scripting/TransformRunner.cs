using System.Diagnostics;
using HaloIlertGateway.Scripting.Sandbox;
using Jint.Runtime;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Runs one request through one compiled transform inside the sandbox. Never throws for anything a script does:
/// every outcome, including a broken limit, comes back as a <see cref="TransformOutcome"/>.
/// </summary>
internal sealed class TransformRunner(IOptions<ScriptingOptions> options)
{
    private readonly ScriptingOptions _limits = options.Value;
    private readonly TimeSpan _regexLimit = TimeSpan.FromMilliseconds(options.Value.RegexTimeoutMilliseconds);

    /// <summary>
    /// Runs <paramref name="request"/> through <paramref name="script"/>, held to the live time limit unless a
    /// <paramref name="timeLimit"/> is given (fixture runs at load have their own, generous one).
    /// </summary>
    public TransformOutcome Run(CompiledTransform script, IncomingRequest request, TransformContext context, TimeSpan? timeLimit = null)
    {
        var started = Stopwatch.GetTimestamp();
        var cpu = RegexTimeoutRetry.Start();
        var outcome = RunOnce(script, request, context, timeLimit, started);
        // A regular expression "timed out" while the machine, not the expression, held it up: run again, once.
        return outcome is TransformOutcome.Fail { Failure.Limit: TransformFailure.RegexTimeout } && RegexTimeoutRetry.WasTheMachine(cpu, _regexLimit)
            ? RunOnce(script, request, context, timeLimit, started)
            : outcome;
    }

    private TransformOutcome RunOnce(CompiledTransform script, IncomingRequest request, TransformContext context, TimeSpan? timeLimit, long started)
    {
        var run = new TransformRunState(_limits, context.Secrets);
        TransformEngine? engine = null;
        try
        {
            engine = script.Rent();
            var result = engine.Invoke(request, context, run, timeLimit ?? TimeSpan.FromMilliseconds(_limits.TimeoutMilliseconds));
            script.Return(engine);
            return result is null
                ? new TransformOutcome.Drop(run.DropReason ?? TransformContract.DefaultDropReason, run.Logs, Stopwatch.GetElapsedTime(started))
                : new TransformOutcome.Forward(result, run.Logs, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex)
        {
            // Whatever was thrown (a limit, a script error, an engine fault, a new engine that could not be made) is a
            // failed run, never an exception.
            var failure = TransformFailure.From(ex, script.Name, context.Secrets);
            if (engine is not null && ex is JavaScriptException or TransformContractException && !failure.IsLimit)
            {
                // The script's own error (a throw, a TypeError) unwinds like any JavaScript exception, and a result the
                // contract refuses comes after a whole run: Jint's stacks and the engine's helpers are as after a return
                // (EngineReuseTests), so the engine goes back to the pool rather than a new one (about 50 KB) being
                // built for the next request.
                script.Return(engine);
            }
            else
            {
                // A limit or a fault may have stopped the engine mid-operation, with half-changed state: never reuse it.
                engine?.Dispose();
            }

            return new TransformOutcome.Fail(failure, run.Logs, Stopwatch.GetElapsedTime(started));
        }
    }
}
