using NetArchTest.Rules;

namespace HaloIlertGateway.UnitTests.Architecture;

/// <summary>
/// Which folders of <c>gateway/</c> use which, read from the compiled gateway's IL by NetArchTest: a type named in a
/// signature, a method body, an attribute or a generic argument counts, however the source spelled it (a <c>using</c>,
/// a partly qualified <c>Hosting.X</c>, a fully qualified name). A folder is a namespace below
/// <c>HaloIlertGateway</c> (<c>Delivery/Postgres</c> is <c>HaloIlertGateway.Delivery.Postgres</c>); the root
/// namespace holds only <c>Program</c>, the composition root, which may use every folder and which none may use.
/// </summary>
public static class FolderDependencies
{
    public const string Root = "HaloIlertGateway";

    private static readonly Lazy<Dictionary<string, Dictionary<string, IReadOnlyList<string>>>> Edges = new(Read);

    /// <summary>Every folder that holds a type, as <c>Delivery/Postgres</c>.</summary>
    public static IReadOnlyList<string> Folders { get; } =
        [.. typeof(Program).Assembly.GetTypes()
            .Select(type => type.Namespace)
            .OfType<string>()
            .Where(name => name.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(FolderOf)
            .Distinct()
            .Order(StringComparer.Ordinal)];

    /// <summary>The folders <paramref name="folder"/> uses, each with the types of <paramref name="folder"/> that use it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> UsedBy(string folder) =>
        Edges.Value.TryGetValue(folder, out var used) ? used : new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// What breaks <paramref name="map"/>: a folder without a row, a row for no folder, a use the folder's row does not
    /// list (with the types that use it), a use the row lists that the code does not have; each one line.
    /// </summary>
    public static IReadOnlyList<string> Check(FolderMap map)
    {
        var problems = new List<string>();
        problems.AddRange(Folders.Where(folder => !map.Uses.ContainsKey(folder)).Select(folder => $"{folder}/ has no row"));
        problems.AddRange(map.Uses.Keys.Where(folder => !Folders.Contains(folder)).Order(StringComparer.Ordinal).Select(folder => $"the row {folder}/ names no folder of gateway/"));
        foreach (var folder in Folders)
        {
            var allowed = map.Uses.GetValueOrDefault(folder) ?? new HashSet<string>();
            foreach (var (used, types) in UsedBy(folder).Where(pair => !allowed.Contains(pair.Key)))
            {
                problems.Add($"{folder} uses {(used.Length == 0 ? "the composition root" : used)}, which its row does not list: {string.Join(", ", types)}");
            }

            problems.AddRange(allowed.Where(used => !UsedBy(folder).ContainsKey(used)).Order(StringComparer.Ordinal)
                .Select(used => $"{folder}'s row lists {used}, which it does not use"));
        }

        return problems;
    }

    /// <summary>
    /// The edges, one NetArchTest search per folder used: the types that depend on any type of that folder (a type of a
    /// sub-folder is not its parent's), grouped by the folder they are in.
    /// </summary>
    private static Dictionary<string, Dictionary<string, IReadOnlyList<string>>> Read()
    {
        var types = typeof(Program).Assembly.GetTypes().Where(type => !type.IsNested && type.FullName is not null).ToList();
        var gateway = Types.InAssembly(typeof(Program).Assembly);
        var edges = new Dictionary<string, Dictionary<string, IReadOnlyList<string>>>(StringComparer.Ordinal);
        foreach (var used in Folders.Prepend(string.Empty))
        {
            var names = types.Where(type => type.Namespace == NamespaceOf(used)).Select(type => type.FullName!).ToArray();
            var users = gateway.That().HaveDependencyOnAny(names).GetTypes()
                .Select(user => (Folder: user.Namespace is { } name && name.StartsWith(Root + ".", StringComparison.Ordinal) ? FolderOf(name) : null, Type: user.FullName ?? user.Name))
                .Where(user => user.Folder is not null && user.Folder != used);
            foreach (var group in users.GroupBy(user => user.Folder!))
            {
                if (!edges.TryGetValue(group.Key, out var byFolder))
                {
                    edges[group.Key] = byFolder = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                }

                byFolder[used] = [.. group.Select(user => user.Type).Distinct().Order(StringComparer.Ordinal)];
            }
        }

        return edges;
    }

    private static string FolderOf(string name) => name[(Root.Length + 1)..].Replace('.', '/');

    private static string NamespaceOf(string folder) => folder.Length == 0 ? Root : $"{Root}.{folder.Replace('/', '.')}";
}
