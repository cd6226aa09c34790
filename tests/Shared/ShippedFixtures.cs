using HaloIlertGateway.Scripting.Fixtures;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>The fixture cases of the shipped transforms (transforms/&lt;name&gt;.fixtures.json), as theory data.</summary>
public static class ShippedFixtures
{
    internal static TheoryData<string, string> Cases(Func<TransformFixtureCase, bool>? where = null)
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Transforms, "*" + TransformFixtureFile.Suffix).Order())
        {
            var transform = Path.GetFileName(file)[..^TransformFixtureFile.Suffix.Length];
            foreach (var fixture in TransformFixtureFile.Load(file).Cases.Where(where ?? (_ => true)))
            {
                data.Add(transform, fixture.Name);
            }
        }

        return data;
    }

    internal static (TransformFixtureFile File, TransformFixtureCase Case) Find(string transform, string name)
    {
        var file = TransformFixtureFile.Load(Path.Combine(RepositoryPaths.Transforms, transform + TransformFixtureFile.Suffix));
        return (file, file.Cases.Single(c => c.Name == name));
    }
}
