using System.Diagnostics;
using System.Globalization;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// Temp folders a test leaves for the process to clean: all of one test process's are in one folder
/// (<c>gateway-tests-*</c>), removed when the process exits. A process stopped before its exit handler ran (a killed
/// test host) leaves its folder; the next test process removes it, once the process it names has ended.
/// </summary>
internal static class TestFolders
{
    /// <summary>The file in a folder that names the test process that made it.</summary>
    private const string OwnerFile = "owner.pid";

    private static readonly Lazy<string> Root = new(CreateRoot);

    /// <summary>A new, empty folder, named <paramref name="prefix"/> and a random part, removed with this test process's others.</summary>
    public static string Create(string prefix) =>
        Directory.CreateDirectory(Path.Combine(Root.Value, prefix + Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal))).FullName;

    /// <summary>Writes into <paramref name="folder"/> that this test process made it.</summary>
    public static void MarkOwner(string folder) =>
        File.WriteAllText(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Whether the test process that made <paramref name="folder"/> has ended. A folder that names none (or whose file
    /// cannot be read) counts as ended after an hour.
    /// </summary>
    public static bool OwnerHasEnded(string folder) =>
        OwnerOf(folder) is { } owner ? !IsRunning(owner) : Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddHours(-1);

    /// <summary>Deletes <paramref name="folder"/> and what it holds, unless it cannot (another user's, or in use).</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the OS's own cleaning of the temp folder.
        }
    }

    private static string CreateRoot()
    {
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), "gateway-tests-*"))
        {
            if (OwnerHasEnded(stale))
            {
                TryDelete(stale);
            }
        }

        var root = Directory.CreateTempSubdirectory("gateway-tests-").FullName;
        MarkOwner(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    private static int? OwnerOf(string folder)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(folder, OwnerFile)), out var owner) ? owner : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
