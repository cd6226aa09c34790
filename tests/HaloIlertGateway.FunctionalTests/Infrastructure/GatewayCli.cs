using System.Diagnostics;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// The gateway's command-line verbs run as a user runs them (<c>dotnet HaloIlertGateway.dll transforms ...</c>, which
/// <c>dotnet run --project gateway --</c> runs too), in a working tree of their own: a copy of the repository's
/// proxy.json, transforms/ and docs/examples/, so that a test may edit them.
/// </summary>
public sealed class GatewayCli : IDisposable
{
    public GatewayCli()
    {
        Root = RepositoryPaths.CopyContentRoot("gateway-cli-");
        var examples = Directory.CreateDirectory(Path.Combine(Root, "docs", "examples")).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "docs", "examples")))
        {
            File.Copy(file, Path.Combine(examples, Path.GetFileName(file)));
        }
    }

    /// <summary>The working tree: what the repository root is to a user.</summary>
    public string Root { get; }

    public Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments) =>
        RunAsync(new Dictionary<string, string>(), arguments);

    /// <summary>Runs the gateway's verbs with <paramref name="environment"/> added to the process's own (the variables a user would export).</summary>
    public async Task<(int ExitCode, string Output, string Errors)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HaloIlertGateway.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Runs <c>transforms run ...</c> expecting success: the report it printed.</summary>
    public async Task<JsonObject> RunTransformAsync(params string[] arguments)
    {
        var (exitCode, output, errors) = await RunAsync(arguments);
        Assert.True(exitCode == 0, $"exit {exitCode}: {output}{errors}");
        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>Merges a fragment of proxy.json as a document shows it (<c>"Gateway": { ... }</c>) into this tree's proxy.json.</summary>
    public void ApplyToProxyJson(string fragment) => ProxyJson.Apply(Path.Combine(Root, "proxy.json"), fragment);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
