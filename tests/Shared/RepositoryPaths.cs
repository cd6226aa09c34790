namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>The repository the tests run from: its shipped proxy.json and transforms are what the tests exercise.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Find();

    public static string Transforms => Path.Combine(Root, "transforms");

    public static string ProxyConfig => Path.Combine(Root, "proxy.json");

    /// <summary>
    /// A private content root for one gateway: a temp folder with a copy of the shipped proxy.json and transforms/, so
    /// that a test may edit either without touching the repository or another test.
    /// </summary>
    public static string CopyContentRoot(string prefix)
    {
        var root = Directory.CreateTempSubdirectory(prefix).FullName;
        File.Copy(ProxyConfig, Path.Combine(root, "proxy.json"));
        var transforms = Directory.CreateDirectory(Path.Combine(root, "transforms")).FullName;
        foreach (var file in Directory.EnumerateFiles(Transforms))
        {
            File.Copy(file, Path.Combine(transforms, Path.GetFileName(file)));
        }

        return root;
    }

    private static string Find()
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "HaloIlertGateway.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"HaloIlertGateway.sln not found above {AppContext.BaseDirectory}");
    }
}
