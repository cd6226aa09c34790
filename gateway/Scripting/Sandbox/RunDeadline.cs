using System.Diagnostics;
using Jint;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// The time limit of a run, as a Jint constraint (one per engine). Armed by <see cref="TransformEngine"/> for one run
/// with that run's budget (live runs and fixture runs differ) and disarmed after it, so that nothing outside a run
/// (marshalling the next request's body, a pooled engine's idle time) is ever measured against a stale deadline.
/// Jint resets it when the script is called: the limit starts when the script starts.
/// <para>
/// What is limited is the CPU time of the run's thread where the OS tells it (<see cref="ThreadCpuTime"/>): when the
/// wall-clock deadline passes, the run is given the rest of its budget if the thread has not used it, up to a
/// wall-clock backstop of twice the budget. A healthy script on a machine busy elsewhere is not failed; a script
/// that spins is stopped after its budget of CPU, and nothing runs longer than twice its budget.
/// </para>
/// </summary>
internal sealed class RunDeadline(Func<long> timestamp, Func<TimeSpan?> threadCpuTime, Func<TimeSpan?>? startCpuTime = null) : Constraint
{
    private static readonly Func<long> StopwatchTimestamp = Stopwatch.GetTimestamp;
    private static readonly Func<TimeSpan?> CurrentThreadCpuTime = ThreadCpuTime.Current;
    /// <summary>The calling thread's CPU time as read at most a millisecond ago (a read is a system call).</summary>
    public static readonly Func<TimeSpan?> RecentThreadCpuTime = CachedThreadCpuTime;
    private readonly Func<TimeSpan?> _startCpuTime = startCpuTime ?? threadCpuTime;

    /// <summary>
    /// How long a thread's CPU time, read at the start of one run, serves as the start of the next runs on that thread.
    /// Reading it is a system call (about half a microsecond, a twentieth of a small run); an older start makes a run
    /// look as if it had used at most this much more CPU, which matters only past the wall-clock deadline, against a
    /// budget of hundreds of milliseconds.
    /// </summary>
    private static readonly long CpuReadReuseTicks = Stopwatch.Frequency / 1000;

    [ThreadStatic]
    private static long t_cpuReadAt;

    [ThreadStatic]
    private static TimeSpan? t_cpu;

    private TimeSpan _budget;
    private long _budgetTicks;
    private long _deadline;
    private long _backstop;
    private TimeSpan? _cpuAtStart;

    /// <summary>The clocks of the machine: <see cref="Stopwatch"/> and the calling thread's CPU time (at the start, a recent reading).</summary>
    public RunDeadline()
        : this(StopwatchTimestamp, CurrentThreadCpuTime, RecentThreadCpuTime)
    {
    }

    /// <summary>Checked every few statements by Jint: reading the clock is cheap, a late notice is bounded.</summary>
    public override bool IsAmortizable => true;

    public void Arm(TimeSpan budget)
    {
        _budget = budget;
        _budgetTicks = (long)(budget.TotalSeconds * Stopwatch.Frequency);
        // Wall clock only until Jint resets the constraint as the script starts, which also reads the CPU clock
        // (one system call per run instead of two).
        Start(readCpu: false);
    }

    public void Disarm() => _deadline = 0;

    public override void Reset()
    {
        if (_deadline != 0)
        {
            Start(readCpu: true);
        }
    }

    public override void Check()
    {
        var deadline = _deadline;
        if (deadline == 0)
        {
            return;
        }

        var now = timestamp();
        if (now < deadline)
        {
            return;
        }

        if (now < _backstop && _cpuAtStart is { } cpuAtStart && threadCpuTime() is { } cpu && cpu - cpuAtStart < _budget)
        {
            // The thread was not running for part of the budget (a busy machine, a GC pause): let it have the rest.
            var rest = (long)((_budget - (cpu - cpuAtStart)).TotalSeconds * Stopwatch.Frequency);
            _deadline = Math.Min(now + Math.Max(rest, 1), _backstop);
            return;
        }

        throw new TimeoutException("The script ran past its time limit.");
    }

    private static TimeSpan? CachedThreadCpuTime()
    {
        var now = Stopwatch.GetTimestamp();
        if (t_cpuReadAt == 0 || now - t_cpuReadAt > CpuReadReuseTicks)
        {
            (t_cpu, t_cpuReadAt) = (ThreadCpuTime.Current(), now);
        }

        return t_cpu;
    }

    private void Start(bool readCpu)
    {
        var now = timestamp();
        _deadline = now + _budgetTicks;
        _backstop = now + (2 * _budgetTicks);
        _cpuAtStart = readCpu ? _startCpuTime() : null;
    }
}
