using System.Text.Json;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Fixtures;
using HaloIlertGateway.Scripting.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Benchmarks;

/// <summary>The shipped halopsa.js and the HaloPSA samples (from its fixture file), found from the repository root.</summary>
internal static class BenchmarkInputs
{
    public static readonly string Repository = FindRepository();

    public static readonly Dictionary<string, string> SampleCases = new()
    {
        ["new-ticket"] = "a new critical ticket opens a HIGH alert keyed by the ticket id",
        ["status-in-progress"] = "a status change to In Progress re-sends the same ALERT (ilert de-duplicates it)",
        ["ticket-resolved"] = "a resolved ticket resolves the alert its new ticket opened",
        ["ticket-closed"] = "a closed ticket resolves the alert its new ticket opened",
        ["low-priority-unassigned"] = "a low-priority unassigned ticket opens a LOW alert and leaves the empty team out",
        ["full-payload"] = "the full payload (the whole ticket object) gives the same event as the recommended one",
    };

    public static TransformRunner Runner { get; } = new(Options.Create(new ScriptingOptions()));

    public static CompiledTransform HaloPsa() => Compile("halopsa", File.ReadAllText(Path.Combine(Repository, "transforms", "halopsa.js")));

    /// <summary>halopsa.js as it was at <paramref name="commit"/> (<c>Baselines/halopsa-&lt;commit&gt;.js</c>), for a side-by-side run.</summary>
    public static CompiledTransform HaloPsaBaseline(string commit) =>
        Compile("halopsa", File.ReadAllText(Path.Combine(Repository, "bench", "HaloIlertGateway.Benchmarks", "Baselines", $"halopsa-{commit}.js")));

    /// <summary>
    /// The context the halopsa route runs <paramref name="request"/> with: its settings from the shipped proxy.json, through
    /// the gateway's own settings provider, as a live request has them.
    /// </summary>
    public static TransformContext HaloPsaRouteContext(IncomingRequest request)
    {
        var proxy = new ConfigurationBuilder().AddJsonFile(Path.Combine(Repository, "proxy.json")).Build();
        using var settings = new TransformSettingsProvider(proxy, new Security.SecretStore(TimeProvider.System));
        return settings.ContextFor("halopsa", "halopsa", DateTimeOffset.UtcNow, request, new HashSet<string>());
    }

    public static CompiledTransform Compile(string name, string source) =>
        CompiledTransform.Compile(name, name + ".js", source, JintSandbox.Create(new ScriptingOptions()), DateTimeOffset.UtcNow);

    /// <summary><paramref name="source"/> calling the JavaScript helpers of bench/nginx/gw.js instead of the gateway's.</summary>
    public static string WithJavaScriptHelpers(string source) =>
        File.ReadAllText(Path.Combine(Repository, "bench", "nginx", "gw.js")).Replace("var gw = (function", "var gwJs = (function", StringComparison.Ordinal)
        + source.Replace("gw.", "gwJs.", StringComparison.Ordinal);

    /// <summary>A HaloPSA sample as the engine gets it on the route, with its context.</summary>
    public static (IncomingRequest Request, TransformContext Context) HaloPsaRequest(string sample)
    {
        var parameters = new Dictionary<string, string> { ["integrationKey"] = "il1hps-benchmark-key" };
        var request = new IncomingRequest("POST", "/api/v1/events/halopsa/il1hps-benchmark-key", new Dictionary<string, string>(),
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = "application/json", ["host"] = "gateway" },
            parameters, TransformBody.Json(SampleBody(sample)));
        return (request, new TransformContext("halopsa", DateTimeOffset.UtcNow, ReadOnlyMemory<byte>.Empty, TransformContract.SecretParams(parameters)));
    }

    /// <summary>A case of a shipped transform's fixture file, as the engine gets it, with its context.</summary>
    public static (IncomingRequest Request, TransformContext Context) FixtureRequest(string transform, string caseName)
    {
        var fixtures = TransformFixtureFile.Load(Path.Combine(Repository, "transforms", transform + TransformFixtureFile.Suffix));
        return TransformFixtureRunner.Inputs(transform, fixtures, fixtures.Cases.Single(c => c.Name == caseName));
    }

    /// <summary>The request body of a HaloPSA sample, as the runbook sends it.</summary>
    public static byte[] SampleBody(string sample)
    {
        var fixtures = TransformFixtureFile.Load(Path.Combine(Repository, "transforms", "halopsa" + TransformFixtureFile.Suffix));
        return JsonSerializer.SerializeToUtf8Bytes(fixtures.Cases.Single(c => c.Name == SampleCases[sample]).Request.Body);
    }

    private static string FindRepository()
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "HaloIlertGateway.sln")))
            {
                return directory;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
