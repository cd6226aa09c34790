using HaloIlertGateway.Hosting;
using HaloIlertGateway.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Yarp.ReverseProxy.Model;

namespace HaloIlertGateway.Logging;

internal static class LoggingServiceCollectionExtensions
{
    private const string MinimumLevelSection = "Serilog:MinimumLevel";

    /// <summary>
    /// Serilog for every category, with each sink behind <see cref="RedactingSink"/>. Sinks are set here in code
    /// (console, plus any <see cref="ILogEventSink"/> registered in DI), not from configuration, so that no sink
    /// can be added that bypasses redaction. Levels come from <c>Serilog:MinimumLevel</c> (Serilog's own shape).
    /// </summary>
    public static IServiceCollection AddGatewayLogging(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SecretStore>();
        services.AddOptions<GatewayLoggingOptions>().BindConfiguration(GatewayLoggingOptions.SectionName).ValidateOnStart();
        services.AddHostedService<RouteTemplateRedaction>();
        services.AddSerilog((provider, logger) =>
        {
            var secrets = provider.GetRequiredService<SecretStore>();
            var format = configuration.GetSection(GatewayLoggingOptions.SectionName).Get<GatewayLoggingOptions>()?.Format ?? LogFormat.Text;
            ApplyMinimumLevels(logger, configuration.GetSection(MinimumLevelSection));
            logger.Enrich.FromLogContext();
            // A start the host reports failed for a reason the gateway says itself, in one paragraph without a stack.
            logger.Filter.ByExcluding(e => StartFailure.OwnsProcess && e.Exception is { } failure && StartFailure.Describe(failure) is not null
                && e.Properties.TryGetValue("SourceContext", out var source) && source.ToString() == "\"Microsoft.Extensions.Hosting.Internal.Host\"");
            // What YARP logs about the start-up warm-up's own request (the warm-up logs one line for it instead).
            logger.Filter.ByExcluding(e => e.Properties.ContainsKey(StartupWarmup.LogProperty)
                && e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().StartsWith("\"Yarp.", StringComparison.Ordinal));
            logger.WriteTo.Sink(LoggerSinkConfiguration.Wrap(
                    sink => new RedactingSink(sink, () => secrets.KnownValues),
                    sinks =>
                    {
                        if (format == LogFormat.Json)
                        {
                            sinks.Console(new CompactJsonFormatter());
                        }
                        else
                        {
                            sinks.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
                        }

                        foreach (var sink in provider.GetServices<ILogEventSink>())
                        {
                            sinks.Sink(sink);
                        }
                    }));
        },
        // The static Log.Logger is left alone: each host (and each test host) logs through its own pipeline.
        preserveStaticLogger: true);
        return services;
    }

    /// <summary>One request-completion event per request, its path redacted and its YARP route named.</summary>
    public static IApplicationBuilder UseGatewayRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                if (context.Features.Get<IReverseProxyFeature>() is { } proxy)
                {
                    diagnostics.Set("Route", proxy.Route.Config.RouteId);
                }
            };
            options.GetMessageTemplateProperties = (context, path, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
                new LogEventProperty("RequestPath", new ScalarValue(SecretRedactor.Redact(path))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ];
        });

    private static void ApplyMinimumLevels(LoggerConfiguration logger, IConfigurationSection section)
    {
        logger.MinimumLevel.Is(Enum.TryParse<LogEventLevel>(section["Default"], ignoreCase: true, out var level) ? level : LogEventLevel.Information);
        foreach (var entry in section.GetSection("Override").GetChildren())
        {
            if (Enum.TryParse<LogEventLevel>(entry.Value, ignoreCase: true, out var overrideLevel))
            {
                logger.MinimumLevel.Override(entry.Key, overrideLevel);
            }
        }
    }
}
