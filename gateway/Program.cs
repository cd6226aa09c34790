using HaloIlertGateway.Admin;
using HaloIlertGateway.Cli;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Http;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Logging;
using HaloIlertGateway.Observability;
using HaloIlertGateway.RateLimiting;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Security;
using HaloIlertGateway.Versions;

// `--help`, `transforms check|run ...` (the transform tooling) and `healthcheck` (a probe for containers) start nothing.
if (HelpCommand.TryRun(args, Console.Out, out var exitCode) || TransformsCommand.TryRun(args, Console.Out, out exitCode, Console.Error)
    || HealthcheckCommand.TryRun(args, Console.Out, out exitCode))
{
    return exitCode;
}

// `--demo`: ilert replaced by a local receiver on the management port (try it without an account; nothing leaves the machine).
args = DemoMode.Take(args, out var demo);
try
{
    return RunGateway(args, demo);
}
catch (Exception ex) when (StartFailure.OwnsProcess && StartFailure.Describe(ex) is { } why)
{
    // A configuration or environment error: one paragraph naming what to fix, no stack. (Hosted in a test factory,
    // the exception goes to the host instead.)
    Console.Error.WriteLine(why);
    return 1;
}
finally
{
    if (demo)
    {
        DemoMode.RemoveOutbox();
    }
}

// The gateway itself: the composition root, as a list of AddX/UseX/MapX calls with a line of "why" each.
static int RunGateway(string[] args, bool demo)
{
    var builder = WebApplication.CreateBuilder(args);

    // proxy.json (routes, clusters, transform settings) sits below env vars and --args so the standard overrides win.
    builder.AddGatewayConfiguration(args);
    if (demo)
    {
        builder.AddDemoMode();
    }
    // Serilog for every category; every sink sits behind the secret redactor.
    builder.Services.AddGatewayLogging(builder.Configuration);
    // RFC 7807 bodies for every error the gateway answers itself.
    builder.Services.AddProblemDetails();
    builder.Services.AddHealthChecks();
    // Memory admission: request bodies are held within one budget, counted as they arrive (never by a declared length).
    builder.Services.AddGatewayLimits();
    // Secrets from env/files; inbound credential checks as auth schemes and policies named by routes.
    builder.Services.AddGatewaySecurity();
    // Rate-limit policies from proxy.json, partitioned per integration key, header or client IP.
    builder.Services.AddGatewayRateLimiting(builder.Configuration);
    // Sandboxed Jint transforms, compiled once and looked up by name on each request.
    builder.Services.AddGatewayScripting();
    // Durable delivery: outbox and dead letters in SQLite, ordered retries paced to ilert's limits.
    builder.Services.AddGatewayDelivery();
    // Every transform version recorded in the store; served from the files (default) or from the store on every replica.
    builder.Services.AddGatewayVersions();
    // A webhook's path: read, run the route's transform, then forward, queue, drop or fail; dead letters and replay.
    builder.Services.AddGatewayIngest();
    // OpenTelemetry metrics (Prometheus on the management port, OTLP when configured) and readiness checks.
    builder.Services.AddGatewayObservability(builder.Configuration);
    // Before Ready: the first upstream connection and the public pipeline, warmed (bounded; never fails a start).
    builder.Services.AddGatewayWarmup();
    // Transform status and test runs on a separate management server, loopback by default.
    builder.Services.AddGatewayManagement();
    // YARP from proxy.json's ReverseProxy section, with the JsTransform route key.
    builder.Services.AddReverseProxy()
        .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
        .AddIngestTransforms()
        .AddCredentialTransforms();

    var app = builder.Build();
    // The outbox first: a storage fault at start names the database and the cause.
    app.OpenOutbox();

    // The client's address from X-Forwarded-For, believed only from the proxies in Gateway:ForwardedHeaders.
    app.UseGatewayForwardedHeaders();
    app.UseExceptionHandler();
    app.UseGatewayRequestLogging();
    // /_gateway in any spelling is the management port's, never forwarded from the public one.
    app.UseManagementFence();
    // A bounded ring of the last requests (keys masked) for the operator page.
    RecentRequests.UseRecentRequests(app);
    // Under a transform route's path, only that route: another method or a path shaped around it is a 405 or 404, never the passthrough.
    app.UseAlertRouteFence();
    app.UseRateLimiter();
    app.UseAuthentication();
    app.UseAuthorization();
    // Liveness only: the process answers. Readiness (transforms, outbox, config) is /readyz on the management port.
    app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
    app.MapReverseProxy();

    app.Run();
    return 0;
}
