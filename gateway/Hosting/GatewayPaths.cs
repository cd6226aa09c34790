namespace HaloIlertGateway.Hosting;

/// <summary>
/// Resolves the files ops edit (<c>proxy.json</c>, <c>transforms/</c>): an absolute path as given; a relative one
/// under the content root (the working directory), else the copy shipped beside the app (its embedded defaults).
/// </summary>
internal static class GatewayPaths
{
    public static string Resolve(string contentRoot, string configured)
    {
        if (Path.IsPathRooted(configured))
        {
            return configured;
        }

        var underContentRoot = Path.GetFullPath(configured, contentRoot);
        if (File.Exists(underContentRoot) || Directory.Exists(underContentRoot))
        {
            return underContentRoot;
        }

        var shipped = Path.GetFullPath(configured, AppContext.BaseDirectory);
        return File.Exists(shipped) || Directory.Exists(shipped) ? shipped : underContentRoot;
    }
}
