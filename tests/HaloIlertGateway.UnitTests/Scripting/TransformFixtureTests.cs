using HaloIlertGateway.Scripting.Fixtures;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>Every case of every shipped transform's fixture file (transforms/&lt;name&gt;.fixtures.json) holds.</summary>
public sealed class TransformFixtureTests
{
    public static TheoryData<string, string> Cases() => ShippedFixtures.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShippedTransformProducesItsFixtureOutput(string transform, string fixtureName)
    {
        var script = ScriptTestKit.CompileShipped(transform);
        var (file, fixture) = ShippedFixtures.Find(transform, fixtureName);

        var result = ScriptTestKit.FixtureRunner.Run(script, file, fixture);

        Assert.True(result.Passed, result.Failure);
    }

    [Fact]
    public void EveryShippedTransformHasFixtures()
    {
        var scripts = Directory.EnumerateFiles(RepositoryPaths.Transforms, "*.js").ToList();

        Assert.NotEmpty(scripts);
        Assert.All(scripts, script => Assert.True(File.Exists(TransformFixtureRunner.PathFor(script)), $"{script} has no fixture file"));
    }

    [Fact]
    public void AFixtureThatDoesNotMatchTheOutputFailsWithTheDifference()
    {
        var script = ScriptTestKit.CompileShipped("halopsa");
        var file = TransformFixtureFile.Load(TransformFixtureRunner.PathFor(script.Path));
        var fixture = file.Cases[0] with { Expect = file.Cases[0].Expect with { Path = "/api/somewhere-else" } };

        var result = ScriptTestKit.FixtureRunner.Run(script, file, fixture);

        Assert.False(result.Passed);
        Assert.Contains("/api/somewhere-else", result.Failure);
    }
}
