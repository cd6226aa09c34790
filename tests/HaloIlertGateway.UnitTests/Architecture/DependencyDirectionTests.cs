using NetArchTest.Rules;

namespace HaloIlertGateway.UnitTests.Architecture;

/// <summary>
/// The map of gateway/ (docs/architecture.md) kept true: Ingest uses Scripting (the sandbox) and Delivery (store and
/// send); neither of those uses Ingest or the other, and no two top-level folders use each other.
/// </summary>
public sealed class DependencyDirectionTests
{
    private const string Root = "HaloIlertGateway";

    [Theory]
    [InlineData("Scripting", "Ingest")]
    [InlineData("Scripting", "Delivery")]
    [InlineData("Delivery", "Ingest")]
    [InlineData("Delivery", "Scripting")]
    public void AFolderDoesNotUseAnother(string folder, string forbidden)
    {
        var result = Types.InAssembly(typeof(Program).Assembly)
            .That().ResideInNamespace($"{Root}.{folder}")
            .ShouldNot().HaveDependencyOn($"{Root}.{forbidden}")
            .GetResult();

        Assert.True(result.IsSuccessful, $"{folder} uses {forbidden}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void IngestIsWhereTheSandboxAndDeliveryMeet()
    {
        // The check above sees dependencies at all: the one direction that must exist is found.
        Assert.True(Uses("Ingest", "Scripting"));
        Assert.True(Uses("Ingest", "Delivery"));
    }

    [Fact]
    public void NoTwoTopLevelFoldersUseEachOther()
    {
        var folders = typeof(Program).Assembly.GetTypes()
            .Select(type => type.Namespace)
            .OfType<string>()
            .Where(name => name.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(name => name.Split('.')[1])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        var uses = folders.ToDictionary(folder => folder, folder => folders.Where(other => other != folder && Uses(folder, other)).ToList());

        var cycles = uses.SelectMany(pair => pair.Value.Where(other => string.CompareOrdinal(pair.Key, other) < 0 && uses[other].Contains(pair.Key)).Select(other => $"{pair.Key} <-> {other}")).ToList();

        Assert.True(cycles.Count == 0, "folders that use each other: " + string.Join("; ", cycles));
    }

    private static bool Uses(string folder, string other) =>
        !Types.InAssembly(typeof(Program).Assembly)
            .That().ResideInNamespace($"{Root}.{folder}")
            .ShouldNot().HaveDependencyOn($"{Root}.{other}")
            .GetResult().IsSuccessful;
}
