using System.Runtime.InteropServices;

namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>The ways ops (and their tools) replace a transform file.</summary>
internal static partial class ScriptFiles
{
    /// <summary>Overwrites the file in place (not atomic: a reader may see it half written).</summary>
    public static void WriteInPlace(string path, string source) => File.WriteAllText(path, source);

    /// <summary>Writes a temp file beside it, then renames over it, as most editors do.</summary>
    public static void WriteViaRename(string path, string source)
    {
        var temp = path + ".tmp~";
        File.WriteAllText(temp, source);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// A Kubernetes ConfigMap update: the file is a symlink to <c>..data/&lt;file&gt;</c>, and <c>..data</c> is a symlink
    /// to a timestamped folder, swapped atomically (new folder, <c>..data_tmp</c> link, rename over <c>..data</c>).
    /// </summary>
    public static void WriteViaSymlinkSwap(string path, string source, int generation)
    {
        var directory = Path.GetDirectoryName(path)!;
        var file = Path.GetFileName(path);
        var folder = $"..2026_11_29_{generation:D4}";
        Directory.CreateDirectory(Path.Combine(directory, folder));
        File.WriteAllText(Path.Combine(directory, folder, file), source);
        var temp = Path.Combine(directory, "..data_tmp");
        File.CreateSymbolicLink(temp, folder);
        // rename(2) replaces the old link atomically; File.Move would follow the link to the folder.
        if (Rename(temp, Path.Combine(directory, "..data")) != 0)
        {
            throw new IOException($"rename failed: errno {Marshal.GetLastPInvokeError()}");
        }
        if (!File.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            File.CreateSymbolicLink(path, Path.Combine("..data", file));
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string oldPath, string newPath);
}
