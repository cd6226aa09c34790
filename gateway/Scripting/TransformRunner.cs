using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Runs one request through one compiled transform inside the sandbox. Never throws for anything a script does:
/// every outcome, including a broken limit, comes back as a <see cref="TransformOutcome"/>.
/// </summary>
internal sealed class TransformRunner(IOptions<ScriptingOptions> options)
{
    private readonly ScriptingOptions _limits = options.Value;

    public TransformOutcome Run(CompiledScript script, TransformRequest request, TransformContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var run = new ScriptRun(_limits, context.Secrets);
        var engine = script.Rent();
        try
        {
            var result = engine.Invoke(request, context, run);
            script.Return(engine);
            return result is null
                ? new TransformOutcome.Drop(run.DropReason ?? TransformContract.DefaultDropReason, run.Logs, Stopwatch.GetElapsedTime(started))
                : new TransformOutcome.Forward(result, run.Logs, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (TransformFailures.TryDescribe(ex, script.Name, context.Secrets, out var failure))
        {
            // An engine stopped mid-run may hold half-changed state: never reuse it.
            engine.Dispose();
            return new TransformOutcome.Fail(failure, run.Logs, Stopwatch.GetElapsedTime(started));
        }
    }
}
