using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Fixtures;
using HaloIlertGateway.Scripting.Sandbox;
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

    /// <summary>A POST to "/" with <paramref name="json"/> as its body and no query, headers or route values.</summary>
    internal static IncomingRequest JsonRequest(string json)
    {
        var empty = new Dictionary<string, string>();
        return new IncomingRequest("POST", "/", empty, empty, empty, TransformBody.Json(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>A context for route <paramref name="route"/>, received now, with no settings and no secrets.</summary>
    internal static TransformContext Context(string route) => new(route, DateTimeOffset.UtcNow, ReadOnlyMemory<byte>.Empty, []);

    internal static CompiledTransform CompileShipped(string name)
    {
        var path = Path.Combine(RepositoryPaths.Transforms, name + ".js");
        return CompiledTransform.Compile(name, path, File.ReadAllText(path), JintSandbox.Create(Limits), DateTimeOffset.UtcNow);
    }
}
