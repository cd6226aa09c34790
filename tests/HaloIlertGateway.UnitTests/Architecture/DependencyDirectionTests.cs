namespace HaloIlertGateway.UnitTests.Architecture;

/// <summary>
/// The map of gateway/ kept true: the table in docs/architecture.md is the allow-list of every folder, read from the
/// document itself so that the two cannot disagree, and checked against the compiled gateway (see
/// <see cref="FolderDependencies"/>). The tests of the test take an edge or a row out of the real table and expect the
/// check to name what is then missing.
/// </summary>
public sealed class DependencyDirectionTests
{
    [Fact]
    public void EveryFolderUsesExactlyTheFoldersItsRowInTheMapLists()
    {
        var problems = FolderDependencies.Check(FolderMap.Read());

        Assert.True(problems.Count == 0, $"{FolderMap.Document} and gateway/ disagree:\n" + string.Join('\n', problems));
    }

    [Theory]
    [InlineData("Ingest", "Delivery")]
    [InlineData("Ingest", "Diagnostics")]
    // Named in the code only partly qualified: Hosting.StartupWarmup, Logging.SecretRedactor.
    [InlineData("Cli", "Hosting")]
    [InlineData("Delivery", "Logging")]
    [InlineData("Delivery", "Delivery/Postgres")]
    [InlineData("Scripting/Sandbox", "Scripting")]
    public void AUseTheMapDoesNotListFailsTheCheckNamingIt(string folder, string used)
    {
        var map = FolderMap.Read();
        Assert.Contains(used, map.Uses[folder]);

        var problems = FolderDependencies.Check(map.Without(folder, used));

        Assert.Contains(problems, problem => problem.StartsWith($"{folder} uses {used}, which its row does not list: HaloIlertGateway.", StringComparison.Ordinal));
    }

    [Fact]
    public void AFolderWithoutARowFailsTheCheck()
    {
        var problems = FolderDependencies.Check(FolderMap.Read().WithoutRow("Delivery/Postgres"));

        Assert.Contains("Delivery/Postgres/ has no row", problems);
    }

    [Fact]
    public void ARowThatListsAFolderNotUsedFailsTheCheck()
    {
        var map = FolderMap.Read();
        var inflated = new FolderMap(map.Uses.ToDictionary(pair => pair.Key, pair => pair.Key == "Hosting" ? new HashSet<string> { "Ingest" } : pair.Value));

        Assert.Contains("Hosting's row lists Ingest, which it does not use", FolderDependencies.Check(inflated));
    }

    [Fact]
    public void TheTableIsReadWithItsExplanationsLeftOut()
    {
        var map = FolderMap.Parse("""
            | folder | what it is | uses |
            |---|---|---|
            | `Delivery/Postgres/` | the cluster's store (one database, shared) | Delivery, Security (the connection string, its secret) |
            | `Problems/` | RFC 7807 bodies | none |
            """);

        Assert.Equal(["Delivery", "Security"], map.Uses["Delivery/Postgres"].Order(StringComparer.Ordinal));
        Assert.Empty(map.Uses["Problems"]);
    }

    [Fact]
    public void NoTwoTopLevelFoldersUseEachOther()
    {
        static string TopLevel(string folder) => folder.Split('/')[0];
        var uses = FolderDependencies.Folders
            .SelectMany(folder => FolderDependencies.UsedBy(folder).Keys.Where(used => used.Length > 0).Select(used => (From: TopLevel(folder), To: TopLevel(used))))
            .Where(edge => edge.From != edge.To)
            .ToHashSet();

        var cycles = uses.Where(edge => string.CompareOrdinal(edge.From, edge.To) < 0 && uses.Contains((edge.To, edge.From))).Select(edge => $"{edge.From} <-> {edge.To}").ToList();

        Assert.True(cycles.Count == 0, "folders that use each other: " + string.Join("; ", cycles));
    }
}
