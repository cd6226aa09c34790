using System.Text;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Tests.Scripting;

/// <summary>The time limit counts the run's own time: not the idle time before it, and (where the OS tells it) not time the thread was not running.</summary>
public sealed class RunDeadlineTests
{
    [Fact]
    public void ADisarmedDeadlineNeverFires()
    {
        var deadline = new RunDeadline();
        deadline.Arm(TimeSpan.FromMilliseconds(1));
        deadline.Disarm();
        Thread.Sleep(20);

        deadline.Check();
    }

    [SkippableFact]
    public void AThreadThatWasNotRunningGetsTheRestOfItsBudgetUpToTwiceTheLimit()
    {
        Skip.IfNot(ThreadCpuTime.IsSupported, "the OS gives no thread CPU time here");
        var deadline = new RunDeadline();
        deadline.Arm(TimeSpan.FromMilliseconds(100));

        // Asleep past the wall-clock limit, having used no CPU: not the script's fault.
        Thread.Sleep(130);
        deadline.Check();

        // Past the backstop of twice the limit the run ends, CPU or not.
        Thread.Sleep(100);
        Assert.Throws<TimeoutException>(deadline.Check);
    }

    [Fact]
    public void AThreadThatSpinsIsStoppedAtItsLimit()
    {
        var deadline = new RunDeadline();
        deadline.Arm(TimeSpan.FromMilliseconds(50));
        var spinning = System.Diagnostics.Stopwatch.StartNew();

        var error = Record.Exception(() =>
        {
            while (spinning.Elapsed < TimeSpan.FromSeconds(10))
            {
                deadline.Check();
            }
        });

        Assert.IsType<TimeoutException>(error);
        Assert.True(spinning.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void IdleTimeBeforeARunIsNotChargedToTheNextRunsBody()
    {
        // A short limit and an idle engine: the previous run's deadline is long past when the next body is parsed.
        var limits = new ScriptingOptions { TimeoutMilliseconds = 200 };
        var runner = new TransformRunner(Options.Create(limits));
        var script = CompiledScript.Compile("count", "count.js", "function transform(r) { r.body = { n: r.body.items.length }; return r; }",
            JintSandbox.Create(limits), DateTimeOffset.UtcNow);
        var context = new TransformContext("count", DateTimeOffset.UtcNow, ReadOnlyMemory<byte>.Empty, []);
        Assert.IsType<TransformOutcome.Forward>(runner.Run(script, Request("[1]"), context));
        Thread.Sleep(250);

        var outcome = runner.Run(script, Request("[" + string.Join(',', Enumerable.Range(0, 20_000)) + "]"), context);

        var forward = Assert.IsType<TransformOutcome.Forward>(outcome);
        Assert.Equal("""{"n":20000}""", Encoding.UTF8.GetString(forward.Request.Body!));
    }

    private static TransformRequest Request(string items)
    {
        var empty = new Dictionary<string, string>();
        return new TransformRequest("POST", "/", empty, empty, empty, TransformBody.Json(Encoding.UTF8.GetBytes($$"""{"items":{{items}}}""")));
    }
}
