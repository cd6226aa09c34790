using System.Data.Common;
using System.Reflection;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Architecture;

/// <summary>
/// gateway/BannedSymbols.txt keeps synchronous database calls off request and worker threads, and RangeAttribute's
/// string limits out of shared options (RS0030). The analyzer ignores an ID that names nothing, so each one is resolved
/// here, and the calls issue 36 names must stay banned.
/// </summary>
public sealed class BannedSymbolsTests
{
    private static readonly string Gateway = Path.Combine(RepositoryPaths.Root, "gateway");

    /// <summary>Where the banned members live; the providers by name only (a test here uses nothing that opens a database).</summary>
    private static readonly Assembly[] Assemblies =
        [typeof(DbCommand).Assembly, Assembly.Load("Npgsql"), Assembly.Load("Microsoft.Data.Sqlite"), typeof(HaloIlertGateway.Delivery.IOutbox).Assembly,
         typeof(System.ComponentModel.DataAnnotations.RangeAttribute).Assembly];

    [Theory]
    [InlineData("M:System.Data.Common.DbCommand.ExecuteNonQuery")]
    [InlineData("M:System.Data.Common.DbCommand.ExecuteScalar")]
    [InlineData("M:System.Data.Common.DbCommand.ExecuteReader")]
    [InlineData("M:System.Data.Common.DbConnection.Open")]
    [InlineData("M:System.Data.Common.DbConnection.BeginTransaction")]
    [InlineData("M:System.Data.Common.DbTransaction.Commit")]
    [InlineData("M:System.Data.Common.DbTransaction.Rollback")]
    [InlineData("M:System.Data.Common.DbDataReader.Read")]
    [InlineData("M:System.Data.Common.DbDataReader.NextResult")]
    [InlineData("M:Npgsql.NpgsqlDataSource.OpenConnection")]
    [InlineData("M:Npgsql.NpgsqlConnection.BeginTransaction")]
    [InlineData("M:Npgsql.NpgsqlCommand.ExecuteReader(System.Data.CommandBehavior)")]
    [InlineData("M:Npgsql.NpgsqlCommand.ExecuteNonQuery")]
    [InlineData("M:Npgsql.NpgsqlTransaction.Commit")]
    [InlineData("M:Npgsql.NpgsqlDataReader.Read")]
    public void TheSynchronousDatabaseCallsAreBanned(string id) => Assert.Contains(id, Ids());

    [Fact]
    public void ARangeWithLimitsParsedFromStringsIsBanned() =>
        Assert.Contains("M:System.ComponentModel.DataAnnotations.RangeAttribute.#ctor(System.Type,System.String,System.String)", Ids());

    [Fact]
    public void EveryBannedSymbolNamesAMethodThatExists()
    {
        var missing = Ids().Where(id => !Resolves(id)).ToList();

        Assert.True(missing.Count == 0, $"names nothing (the analyzer would ignore it): {string.Join(", ", missing)}");
    }

    [Fact]
    public void TheGatewayProjectRunsTheAnalyzerOnTheFile()
    {
        var project = File.ReadAllText(Path.Combine(Gateway, "HaloIlertGateway.csproj"));

        Assert.Contains("""<PackageReference Include="Microsoft.CodeAnalysis.BannedApiAnalyzers" PrivateAssets="all" />""", project, StringComparison.Ordinal);
        Assert.Contains("""<AdditionalFiles Include="BannedSymbols.txt" />""", project, StringComparison.Ordinal);
    }

    private static List<string> Ids() =>
        [.. File.ReadAllLines(Path.Combine(Gateway, "BannedSymbols.txt")).Where(line => line.StartsWith("M:", StringComparison.Ordinal)).Select(line => line.Split(';')[0])];

    /// <summary>A method of that name and parameter count on that type (parameter types are left to the compiler).</summary>
    private static bool Resolves(string id)
    {
        var open = id.IndexOf('(', StringComparison.Ordinal);
        var name = open < 0 ? id[2..] : id[2..open];
        var parameters = open < 0 ? 0 : TopLevelCommas(id[(open + 1)..^1]) + 1;
        var dot = name.LastIndexOf('.');
        var (typeName, method) = (name[..dot], name[(dot + 1)..].Split('`')[0]);
        var type = Assemblies.Select(assembly => assembly.GetType(typeName)).FirstOrDefault(found => found is not null);
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        MethodBase[] candidates = method == "#ctor" ? type?.GetConstructors(declared) ?? [] : type?.GetMethods(declared) ?? [];
        return candidates.Any(m => (method == "#ctor" || m.Name == method) && m.GetParameters().Length == parameters);
    }

    private static int TopLevelCommas(string parameters)
    {
        var (depth, commas) = (0, 0);
        foreach (var c in parameters)
        {
            (depth, commas) = c switch
            {
                '{' => (depth + 1, commas),
                '}' => (depth - 1, commas),
                ',' when depth == 0 => (depth, commas + 1),
                _ => (depth, commas),
            };
        }

        return commas;
    }
}
