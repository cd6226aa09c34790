using System.Text.Encodings.Web;
using System.Text.Json;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Fixtures;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Cli;

/// <summary>
/// <c>transforms check [dir]</c>: load every transform as the gateway would (compile, define <c>transform</c>, pass
/// its fixtures); exit 1 with a report on any failure. <c>transforms run &lt;name&gt; &lt;payload.json&gt;
/// [--dir d] [--param k=v]...</c>: run a body through a transform with the settings from proxy.json and print the result.
/// </summary>
internal static class TransformsCommand
{
    private const string Usage = """
        usage:
          transforms check [dir]                                     check every transform in dir (default: transforms)
          transforms run <name> <payload.json> [--dir dir] [--param key=value]...
                                                                     run a JSON body through <name>.js and print the outcome
        """;

    private static readonly JsonSerializerOptions Output = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True when <paramref name="args"/> is a <c>transforms</c> command; <paramref name="exitCode"/> is then its result.</summary>
    public static bool TryRun(string[] args, TextWriter output, out int exitCode)
    {
        exitCode = 0;
        if (args is not ["transforms", .. var rest])
        {
            return false;
        }

        exitCode = rest switch
        {
            ["check"] => Check("transforms", output),
            ["check", var dir] => Check(dir, output),
            ["run", var name, var payload, .. var options] => RunOne(name, payload, options, output),
            _ => Fail(output, Usage),
        };
        return true;
    }

    private static int Check(string directory, TextWriter output)
    {
        if (!Directory.Exists(directory))
        {
            return Fail(output, $"{directory}: no such directory");
        }

        var loader = CreateLoader();
        var failed = 0;
        var scripts = TransformCatalog.EnumerateTransforms(directory).ToList();
        foreach (var path in scripts)
        {
            var result = loader.Load(Path.GetFileNameWithoutExtension(path), path);
            if (result.CanActivate)
            {
                output.WriteLine($"ok    {result.Name} ({result.Fixtures.Count} fixture cases)");
                continue;
            }

            failed++;
            output.WriteLine($"FAIL  {result.Name}: {result.Error}");
            foreach (var fixture in result.Fixtures.Where(f => !f.Passed))
            {
                output.WriteLine($"        case \"{fixture.Name}\": {fixture.Failure!.Replace("\n", "\n          ", StringComparison.Ordinal)}");
            }
        }

        output.WriteLine($"{scripts.Count - failed} passed, {failed} failed");
        return failed == 0 && scripts.Count > 0 ? 0 : 1;
    }

    private static int RunOne(string name, string payloadPath, string[] options, TextWriter output)
    {
        var directory = "transforms";
        var parameters = new Dictionary<string, string>();
        for (var i = 0; i < options.Length - 1; i += 2)
        {
            switch (options[i])
            {
                case "--dir":
                    directory = options[i + 1];
                    break;
                case "--param" when options[i + 1].Split('=', 2) is [var key, var value]:
                    parameters[key] = value;
                    break;
                default:
                    return Fail(output, Usage);
            }
        }

        var scriptPath = Path.Combine(directory, name + ".js");
        if (!File.Exists(scriptPath) || !File.Exists(payloadPath))
        {
            return Fail(output, $"{(File.Exists(scriptPath) ? payloadPath : scriptPath)}: no such file");
        }

        CompiledTransform script;
        try
        {
            script = CreateLoader().Compile(name, scriptPath, File.ReadAllText(scriptPath));
        }
        catch (TransformCompilationException ex)
        {
            return Fail(output, ex.Message);
        }

        using var payload = JsonDocument.Parse(File.ReadAllText(payloadPath));
        var request = new FixtureRequest(Params: parameters) { Body = payload.RootElement.Clone() }.ToTransformRequest();
        var settings = File.Exists("proxy.json")
            ? TransformSettingsProvider.ToJson(new ConfigurationBuilder().AddJsonFile(Path.GetFullPath("proxy.json")).Build().GetSection($"{TransformSettingsProvider.SectionName}:{name}:Settings"))
            : ReadOnlyMemory<byte>.Empty;
        var outcome = new TransformRunner(Options.Create(new ScriptingOptions())).Run(script, request, TransformContext.For(name, DateTimeOffset.UtcNow, settings, request.Params));
        var result = TransformRunReport.From(name, null, outcome);
        output.WriteLine(JsonSerializer.Serialize(result, Output));
        return outcome is TransformOutcome.Fail ? 1 : 0;
    }

    private static TransformLoader CreateLoader()
    {
        var options = Options.Create(new ScriptingOptions());
        return new TransformLoader(options, new TransformRunner(options), TimeProvider.System);
    }

    private static int Fail(TextWriter output, string message)
    {
        output.WriteLine(message);
        return 2;
    }
}
