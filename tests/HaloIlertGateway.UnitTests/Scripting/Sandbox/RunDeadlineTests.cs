using System.Text;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.UnitTests.Scripting.Sandbox;

/// <summary>The time limit counts the run's own time: not the idle time before it, and (where the OS tells it) not time the thread was not running.</summary>
public sealed class RunDeadlineTests
{
    /// <summary>A wall clock and a thread CPU clock that move only when the test says so.</summary>
    private sealed class Clocks
    {
        public long Wall { get; set; }

        public TimeSpan? Cpu { get; set; } = TimeSpan.Zero;

        public RunDeadline Deadline() => new(() => Wall, () => Cpu);

        public void Advance(TimeSpan wall, TimeSpan cpu)
        {
            Wall += (long)(wall.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            Cpu += cpu;
        }
    }

    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void ADisarmedDeadlineNeverFires()
    {
        var clocks = new Clocks();
        var deadline = clocks.Deadline();
        deadline.Arm(Limit);
        deadline.Disarm();
        clocks.Advance(TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        deadline.Check();
    }

    [Fact]
    public void BeforeTheScriptStartsTheLimitIsWallClock()
    {
        var clocks = new Clocks();
        var deadline = clocks.Deadline();
        deadline.Arm(Limit);
        clocks.Advance(TimeSpan.FromMilliseconds(101), TimeSpan.Zero);

        Assert.Throws<TimeoutException>(deadline.Check);
    }

    [Fact]
    public void ARunThatUsesItsCpuBudgetIsStoppedAtItsLimit()
    {
        var clocks = new Clocks();
        var deadline = clocks.Deadline();
        deadline.Arm(Limit);

        clocks.Advance(TimeSpan.FromMilliseconds(90), TimeSpan.FromMilliseconds(90));
        deadline.Check();
        clocks.Advance(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));

        Assert.Throws<TimeoutException>(deadline.Check);
    }

    [Fact]
    public void AThreadThatWasNotRunningGetsTheRestOfItsBudgetUpToTwiceTheLimit()
    {
        var clocks = new Clocks();
        var deadline = clocks.Deadline();
        deadline.Arm(Limit);
        deadline.Reset(); // the script starts

        // Past the limit in wall-clock time having used 30 ms of CPU (a busy machine, a GC pause): not the script's fault.
        clocks.Advance(TimeSpan.FromMilliseconds(130), TimeSpan.FromMilliseconds(30));
        deadline.Check();
        clocks.Advance(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(10));
        deadline.Check();

        // Past the backstop of twice the limit the run ends, CPU or not.
        clocks.Advance(TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(5));
        Assert.Throws<TimeoutException>(deadline.Check);
    }

    [Fact]
    public void TheRestOfTheBudgetIsCpuTimeNotWallTime()
    {
        var clocks = new Clocks();
        var deadline = clocks.Deadline();
        deadline.Arm(Limit);
        deadline.Reset(); // the script starts
        clocks.Advance(TimeSpan.FromMilliseconds(110), TimeSpan.FromMilliseconds(50));
        deadline.Check();

        // The thread runs again and uses the other 50 ms of its CPU budget, and more.
        clocks.Advance(TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(60));

        Assert.Throws<TimeoutException>(deadline.Check);
    }

    [Fact]
    public void WhereTheOsGivesNoThreadCpuTimeTheLimitIsWallClock()
    {
        var clocks = new Clocks { Cpu = null };
        var deadline = clocks.Deadline();
        deadline.Arm(Limit);
        clocks.Advance(TimeSpan.FromMilliseconds(101), TimeSpan.Zero);

        Assert.Throws<TimeoutException>(deadline.Check);
    }

    [Fact]
    public void JintRestartsTheClockWhenTheScriptStarts()
    {
        var clocks = new Clocks();
        var deadline = clocks.Deadline();
        deadline.Arm(Limit);
        clocks.Advance(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));

        deadline.Reset();
        deadline.Check();
    }

    [SkippableFact]
    public void TheThreadCpuClockCountsTheCallingThreadsCpuAndNotItsSleep()
    {
        Skip.IfNot(ThreadCpuTime.IsSupported, "the OS gives no thread CPU time here");
        var before = ThreadCpuTime.Current()!.Value;
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (ThreadCpuTime.Current()!.Value - before < TimeSpan.FromMilliseconds(20))
        {
            Assert.True(spin.Elapsed < TimeSpan.FromSeconds(30), "the thread's CPU clock did not move");
        }

        // A sleeping thread uses (next to) no CPU, however long it sleeps.
        var asleep = ThreadCpuTime.Current()!.Value;
        Thread.Sleep(100);
        Assert.True(ThreadCpuTime.Current()!.Value - asleep < TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void IdleTimeBeforeARunIsNotChargedToTheNextRunsBody()
    {
        // A short limit and an idle engine: the previous run's deadline is long past when the next body is parsed.
        var limits = new ScriptingOptions { TimeoutMilliseconds = 500 };
        var runner = new TransformRunner(Options.Create(limits));
        var script = CompiledTransform.Compile("count", "count.js", "function transform(r) { r.body = { n: r.body.items.length }; return r; }",
            JintSandbox.Create(limits), DateTimeOffset.UtcNow);
        var context = ScriptTestKit.Context("count");
        Assert.IsType<TransformOutcome.Forward>(runner.Run(script, Request("[1]"), context));
        Thread.Sleep(600);

        var outcome = runner.Run(script, Request("[" + string.Join(',', Enumerable.Range(0, 20_000)) + "]"), context);

        var forward = Assert.IsType<TransformOutcome.Forward>(outcome);
        Assert.Equal("""{"n":20000}""", Encoding.UTF8.GetString(forward.Request.Body!));
    }

    [Fact]
    public void EveryRunOfAPooledEngineHasItsWholeStatementBudget()
    {
        // A loop of 2,000 fits the budget and one of 3,100 does not, so a count carried from one run of 2,000 to the
        // next would stop the second. The time limit is the largest allowed: only the statement count is under test, and
        // a cold engine on a busy machine must not reach the time limit first.
        var limits = new ScriptingOptions { MaxStatements = 3_000, TimeoutMilliseconds = 10_000 };
        var runner = new TransformRunner(Options.Create(limits));
        var context = ScriptTestKit.Context("loop");
        CompiledTransform Loop(int times) => CompiledTransform.Compile("loop", "loop.js",
            $"function transform(r) {{ let n = 0; for (let i = 0; i < {times}; i++) {{ n++; }} r.body = {{ n }}; return r; }}", JintSandbox.Create(limits), DateTimeOffset.UtcNow);
        var script = Loop(2_000);

        var outcomes = Enumerable.Range(0, 4).Select(_ => runner.Run(script, Request("[]"), context)).ToList();

        Assert.All(outcomes, outcome => Assert.IsType<TransformOutcome.Forward>(outcome));
        Assert.Equal("statements", Assert.IsType<TransformOutcome.Fail>(runner.Run(Loop(3_100), Request("[]"), context)).Failure.Limit);
    }

    private static IncomingRequest Request(string items) => ScriptTestKit.JsonRequest($$"""{"items":{{items}}}""");
}
