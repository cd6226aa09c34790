using System.Text.RegularExpressions;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// .NET's regular-expression time limit is wall-clock time, the only kind it has: on a machine busy elsewhere, a
/// harmless expression can pass it while its thread is not even running. Where that happens (the thread used less CPU
/// than the limit), the run or load is done once more, as <see cref="RunDeadline"/> gives a run the rest of its budget.
/// An expression that really backtracks burns the CPU, and fails as before. Where the CPU time is unknown, nothing is
/// done again.
/// </summary>
internal static class RegexTimeoutRetry
{
    /// <summary>The thread's CPU time to measure from: a recent reading (at most a millisecond old, which only makes a retry less likely).</summary>
    public static TimeSpan? Start() => RunDeadline.RecentThreadCpuTime();

    /// <summary>Whether a regular-expression timeout came from a thread that used less than <paramref name="limit"/> of CPU since <paramref name="start"/>.</summary>
    public static bool WasTheMachine(TimeSpan? start, TimeSpan limit, Func<TimeSpan?>? threadCpuTime = null) =>
        start is { } before && (threadCpuTime ?? ThreadCpuTime.Current)() is { } now && now - before < limit;

    /// <summary>Whether <paramref name="exception"/> is, or wraps, a regular-expression timeout.</summary>
    public static bool IsRegexTimeout(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is RegexMatchTimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
