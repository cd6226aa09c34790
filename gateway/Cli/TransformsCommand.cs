using System.Text.Encodings.Web;
using System.Text.Json;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Fixtures;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Cli;

/// <summary>
/// <c>transforms check [dir]</c>: load every transform as the gateway would (compile, define <c>transform</c>, pass
/// its fixtures); exit 1 with a report on any failure. <c>transforms run &lt;name&gt; &lt;payload&gt; [options]</c>:
/// run a body of any format (JSON, form, XML, text) with headers, query, route values and settings through a
/// transform and print the result (<see cref="RunOptions"/>). <c>transforms history|diff|publish|rollback</c>: a
/// transform's versions on a running gateway (<see cref="VersionsCommand"/>).
/// </summary>
internal static class TransformsCommand
{
    public const string Usage = """
        usage:
          transforms check [dir]                                     check every transform in dir (default: transforms)
          transforms run <name> <payload> [options]                  run a body through <name>.js and print the outcome
            --dir dir                 where <name>.js is (default: transforms)
            --content-type type       the body's content type; by default from the file's extension:
                                      .json JSON, .xml XML, .form form-encoded, anything else text/plain
            --header "Name: value"    a request header (repeatable)
            --query key=value         a query-string parameter (repeatable)
            --param key=value         a route value, e.g. --param integrationKey=il1... (repeatable)
            --settings file.json      the transform's settings as a JSON object (default: from ./proxy.json)
            --route id                run as this route of ./proxy.json: its own settings and context.route
            --method METHOD           default POST
            --path /path              default /
        """ + "\n" + VersionsCommand.Usage;

    private static readonly JsonSerializerOptions Output = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// True when <paramref name="args"/> is a <c>transforms</c> command; <paramref name="exitCode"/> is then its result.
    /// Warnings go to <paramref name="warnings"/> (standard error), so that the result on <paramref name="output"/>
    /// stays JSON a pipe can read; without one they go to <paramref name="output"/>. The verbs that call a running
    /// gateway read its address and token through <paramref name="environment"/> (default: the process's environment).
    /// </summary>
    public static bool TryRun(string[] args, TextWriter output, out int exitCode, TextWriter? warnings = null, Func<string, string?>? environment = null)
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
            ["run", var name, var payload, .. var options] => RunOne(name, payload, options, output, warnings ?? output),
            [var verb, .. var options] when VersionsOptions.IsVerb(verb) => VersionsCommand.Run(verb, options, output, warnings ?? output, environment ?? Environment.GetEnvironmentVariable),
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

        // The settings ./proxy.json gives each transform are checked against its declaration, as the gateway does.
        var loader = CreateLoader(ReadProxyFile(output));
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

    private static int RunOne(string name, string payloadPath, string[] options, TextWriter output, TextWriter warnings)
    {
        if (!RunOptions.TryParse(options, out var run, out var problem))
        {
            return Fail(output, problem + "\n" + Usage);
        }

        var scriptPath = Path.Combine(run.Directory, name + ".js");
        var missing = new[] { scriptPath, payloadPath, run.SettingsFile }.FirstOrDefault(path => path is not null && !File.Exists(path));
        if (missing is not null)
        {
            return Fail(output, $"{missing}: no such file");
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

        var contentType = run.ContentType(payloadPath);
        var text = File.ReadAllText(payloadPath);
        if (ReadBody(contentType, text, out var invalid) is not { } body)
        {
            return Fail(output, $"{payloadPath}: {invalid}");
        }

        var proxy = ReadProxyFile(warnings);
        var route = run.Route is null ? null : proxy?.GetSection("ReverseProxy:Routes").GetChildren().FirstOrDefault(r => string.Equals(r.Key, run.Route, StringComparison.OrdinalIgnoreCase))?.Key;
        if (run.Route is not null && (route is null || !RunsTransform(proxy, route, name)))
        {
            return Fail(output, $"--route {run.Route}: no route of that id in ./proxy.json runs transform '{name}'");
        }

        if (route is not null && run.SettingsFile is not null)
        {
            warnings.WriteLine($"warning: --settings {run.SettingsFile} replaces every setting, route '{route}''s own ones too");
        }

        WarnOfMissingRouteValues(proxy, name, run, warnings);

        var headers = new Dictionary<string, string>(run.Headers, StringComparer.OrdinalIgnoreCase) { ["content-type"] = contentType };
        var request = new FixtureRequest(run.Method, run.Path, run.Query, headers, run.Params) { Body = body }.ToTransformRequest();
        var settings = ReadSettings(proxy, name, route, run.SettingsFile);
        var outcome = new TransformRunner(Options.Create(new ScriptingOptions())).Run(script, request, TransformContext.For(route ?? name, DateTimeOffset.UtcNow, settings, request.Params));
        var result = TransformRunReport.From(name, null, outcome);
        output.WriteLine(JsonSerializer.Serialize(result, Output));
        return outcome is TransformOutcome.Fail ? 1 : 0;
    }

    /// <summary>./proxy.json (where the command runs), or null when there is none or it cannot be read (said on <paramref name="warnings"/>).</summary>
    private static IConfigurationRoot? ReadProxyFile(TextWriter warnings)
    {
        if (!File.Exists("proxy.json"))
        {
            return null;
        }

        try
        {
            return new ConfigurationBuilder().AddJsonFile(Path.GetFullPath("proxy.json")).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            warnings.WriteLine($"warning: ./proxy.json cannot be read, so its settings and routes are not used: {ex.Message} {ex.InnerException?.Message}");
            return null;
        }
    }

    /// <summary>The settings file's object when one is given, else the transform's settings in proxy.json (if any), the route's own over them.</summary>
    private static ReadOnlyMemory<byte> ReadSettings(IConfiguration? proxy, string name, string? route, string? settingsFile)
    {
        if (settingsFile is not null)
        {
            using var settings = JsonDocument.Parse(File.ReadAllText(settingsFile));
            return TransformSettingsProvider.FromJson(settings.RootElement);
        }

        return proxy is not null ? TransformSettingsProvider.SettingsFor(proxy, name, route) : ReadOnlyMemory<byte>.Empty;
    }

    /// <summary>A route value the live route would give (its path's <c>{integrationKey}</c>) that this run does not: the script would read undefined.</summary>
    private static void WarnOfMissingRouteValues(IConfiguration? proxy, string name, RunOptions run, TextWriter warnings)
    {
        var missing = RouteParameters(proxy, name)
            .Where(p => (run.Route is null || string.Equals(p.Route, run.Route, StringComparison.OrdinalIgnoreCase)) && !run.Params.ContainsKey(p.Parameter))
            .GroupBy(p => p.Parameter);
        foreach (var parameter in missing)
        {
            var routes = string.Join(", ", parameter.Select(p => $"{p.Route}: {p.Template}"));
            warnings.WriteLine($"warning: params.{parameter.Key} comes from the route's path ({routes}); without --param {parameter.Key}=<value> it is undefined in this run");
        }
    }

    private static bool RunsTransform(IConfiguration? proxy, string route, string name) =>
        proxy?.GetSection($"ReverseProxy:Routes:{route}:Transforms").GetChildren().Any(t => t[IngestTransformFactory.Key] == name) == true;

    /// <summary>The route values (<c>{integrationKey}</c>) of every route in proxy.json that runs <paramref name="name"/>.</summary>
    private static IEnumerable<(string Route, string Template, string Parameter)> RouteParameters(IConfiguration? proxy, string name)
    {
        foreach (var route in proxy?.GetSection("ReverseProxy:Routes").GetChildren() ?? [])
        {
            var template = route["Match:Path"];
            if (template is null || !RunsTransform(proxy, route.Key, name))
            {
                continue;
            }

            RoutePattern pattern;
            try
            {
                pattern = RoutePatternFactory.Parse(template);
            }
            catch (RoutePatternException)
            {
                // The gateway itself refuses such a route (with the reason); here it only gives no route values.
                continue;
            }

            foreach (var parameter in pattern.Parameters)
            {
                yield return (route.Key, template, parameter.Name);
            }
        }
    }

    /// <summary>
    /// The payload as a fixture request's body: parsed once when its content type is JSON, else the text itself; null
    /// (and <paramref name="problem"/>) when it is not JSON, or not XML a script can be given, as its type says.
    /// </summary>
    private static JsonElement? ReadBody(string contentType, string text, out string problem)
    {
        problem = string.Empty;
        if (!TransformBody.IsJson(contentType))
        {
            if (XmlBody.IsXml(contentType) && XmlBody.DescribeInvalid(System.Text.Encoding.UTF8.GetBytes(text), BodyLimits.From(new ScriptingOptions()), out _) is { } xmlError)
            {
                problem = xmlError;
                return null;
            }

            return JsonSerializer.SerializeToElement(text);
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            problem = $"not JSON ({ex.Message.Split(" LineNumber:")[0]}); give --content-type for another format";
            return null;
        }
    }

    private static TransformLoader CreateLoader(IConfiguration? proxy = null)
    {
        var options = Options.Create(new ScriptingOptions());
        return new TransformLoader(options, new TransformRunner(options), TimeProvider.System, proxy);
    }

    private static int Fail(TextWriter output, string message)
    {
        output.WriteLine(message);
        return 2;
    }
}
