using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace HaloIlertGateway.Benchmarks;

/// <summary>The cost of keeping secrets out of logs: the path redactor, and a whole request-log event through the sink's rewrite.</summary>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    private static readonly string[] NoSecrets = [];
    private LogEvent _requestLog = null!;

    [GlobalSetup]
    public void Setup()
    {
        // As in the running gateway: the templates of proxy.json's routes are learnt (it masks secret route values).
        var routes = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(BenchmarkInputs.Repository, "proxy.json")))!["ReverseProxy"]!["Routes"]!.AsObject();
        SecretRedactor.LearnRouteTemplates(routes.Select(route => route.Value?["Match"]?["Path"]?.GetValue<string>()));
        var template = new MessageTemplateParser().Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms");
        _requestLog = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, template,
        [
            new LogEventProperty("RequestMethod", new ScalarValue("POST")),
            new LogEventProperty("RequestPath", new ScalarValue("/api/v1/events/halopsa/il1hpsTOPSECRETKEY42")),
            new LogEventProperty("StatusCode", new ScalarValue(202)),
            new LogEventProperty("Elapsed", new ScalarValue(1.25)),
            new LogEventProperty("SourceContext", new ScalarValue("Serilog.AspNetCore.RequestLoggingMiddleware")),
        ]);
    }

    [Benchmark]
    public string PathWithKey() => SecretRedactor.Redact("/api/v1/events/halopsa/il1hpsTOPSECRETKEY42");

    /// <summary>A path under a route template (the tool's name is the anchor the learnt patterns wait for).</summary>
    [Benchmark]
    public string CustomRoutePathWithKey() => SecretRedactor.Redact("/tenants/contoso/api/v1/events/halopsa/il1hpsTOPSECRETKEY42");

    [Benchmark]
    public string PathWithoutKey() => SecretRedactor.Redact("/api/alerts?states=PENDING");

    [Benchmark]
    public LogEvent RequestLogEvent() => RedactingSink.Redact(_requestLog, NoSecrets);
}
