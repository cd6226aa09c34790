namespace HaloIlertGateway.Scripting.Settings;

/// <summary>
/// Whether configuration gives a transform settings its declaration takes: a value of the wrong kind, an invalid
/// pattern, or a setting it does not declare is a problem, named by its configuration key
/// (<c>Gateway:Transforms:&lt;name&gt;:Settings:&lt;setting&gt;</c>, or the route's own <c>Routes:&lt;route&gt;:Settings:&lt;setting&gt;</c>)
/// and never quoting the value. Asked when proxy.json is applied (for each route) and when a script is loaded (for the
/// transform's settings and every route's own).
/// </summary>
internal static class DeclaredSettingsCheck
{
    /// <summary>The problems of the settings <paramref name="routeId"/> runs <paramref name="transform"/> with.</summary>
    public static IEnumerable<string> ForRoute(IConfiguration configuration, string transform, SettingsDeclaration declaration, string routeId)
    {
        var own = configuration.GetSection($"{TransformSettingsProvider.SectionName}:{transform}:Routes:{routeId}:Settings").GetChildren()
            .Select(child => child.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        SettingsParser.Parse(declaration, TransformSettingsProvider.SettingsFor(configuration, transform, routeId), routeId, out var problems);
        return problems.Select(problem => $"{KeyOf(transform, own.Contains(problem.Setting) ? routeId : null, problem.Setting)}: {problem.Reason}");
    }

    /// <summary>The problems of every way configuration may run <paramref name="transform"/>: its own settings, and each route's over them.</summary>
    public static IReadOnlyList<string> ForTransform(IConfiguration configuration, string transform, SettingsDeclaration declaration)
    {
        SettingsParser.Parse(declaration, TransformSettingsProvider.SettingsFor(configuration, transform, null), transform, out var shared);
        return
        [
            .. shared.Select(problem => $"{KeyOf(transform, null, problem.Setting)}: {problem.Reason}")
                .Concat(TransformSettingsProvider.RoutesWithOwnSettings(configuration, transform).SelectMany(route => ForRoute(configuration, transform, declaration, route)))
                .Distinct(StringComparer.Ordinal),
        ];
    }

    /// <summary>
    /// The problems of settings published with a version (<paramref name="published"/>, JSON), which serve in place of
    /// the transform's <c>Settings</c> in proxy.json: theirs, and each route's own over them.
    /// </summary>
    public static IReadOnlyList<string> ForPublished(IConfiguration configuration, string transform, SettingsDeclaration declaration, byte[] published)
    {
        SettingsParser.Parse(declaration, published, transform, out var shared);
        var routes = TransformSettingsProvider.RoutesWithOwnSettings(configuration, transform).SelectMany(route =>
        {
            SettingsParser.Parse(declaration, TransformSettingsProvider.Over(published, configuration, transform, route), route, out var problems);
            return problems.Select(problem => $"the settings route {route} runs with, {problem.Setting}: {problem.Reason}");
        });
        return [.. shared.Select(problem => $"the published settings, {problem.Setting}: {problem.Reason}").Concat(routes).Distinct(StringComparer.Ordinal)];
    }

    private static string KeyOf(string transform, string? routeId, string setting) => routeId is null
        ? $"{TransformSettingsProvider.SectionName}:{transform}:Settings:{setting}"
        : $"{TransformSettingsProvider.SectionName}:{transform}:Routes:{routeId}:Settings:{setting}";
}
