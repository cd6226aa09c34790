namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>The repository the tests run from: its shipped proxy.json and transforms are what the tests exercise.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Find();

    public static string Transforms => Path.Combine(Root, "transforms");

    public static string ProxyConfig => Path.Combine(Root, "proxy.json");

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
