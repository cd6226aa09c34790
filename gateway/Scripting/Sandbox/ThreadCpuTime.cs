using System.Runtime.InteropServices;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// CPU time used by the calling thread, where the OS tells it cheaply (Linux: <c>clock_gettime</c> with
/// <c>CLOCK_THREAD_CPUTIME_ID</c>). .NET has no managed API for one thread's CPU time.
/// </summary>
internal static class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>The calling thread's CPU time, or null where it is not known.</summary>
    public static TimeSpan? Current()
    {
        if (!IsSupported || clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
        {
            return null;
        }

        return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
    }

    private static bool Probe()
    {
        try
        {
            return clock_gettime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code for one blittable out struct.
    [DllImport("libc", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);
}
