using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Fixtures;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>Compiles and runs transforms without a host, with the default sandbox limits.</summary>
public static class ScriptTestKit
{
    internal static ScriptingOptions Limits { get; } = new();

    internal static TransformRunner Runner { get; } = new(Options.Create(Limits));

    internal static TransformFixtureRunner FixtureRunner { get; } = new(Runner, TimeSpan.FromMilliseconds(Limits.FixtureTimeoutMilliseconds));

    internal static CompiledTransform Compile(string name, string source) =>
        CompiledTransform.Compile(name, name + ".js", source, JintSandbox.Create(Limits), DateTimeOffset.UtcNow);

    internal static CompiledTransform CompileShipped(string name)
    {
        var path = Path.Combine(RepositoryPaths.Transforms, name + ".js");
        return CompiledTransform.Compile(name, path, File.ReadAllText(path), JintSandbox.Create(Limits), DateTimeOffset.UtcNow);
    }
}
