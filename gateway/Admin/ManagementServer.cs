using HaloIlertGateway.Delivery;
using HaloIlertGateway.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using HaloIlertGateway.Observability;
using HaloIlertGateway.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace HaloIlertGateway.Admin;

/// <summary>
/// A second, separate web server in the same process for the management endpoints. Being its own server with its
/// own pipeline, nothing of it can be reached through the public port, whatever the Host header says.
/// The endpoints use the gateway's own singletons (catalog, runner, settings, logging).
/// </summary>
internal sealed partial class ManagementServer(IServiceProvider gateway, IOptions<ManagementOptions> options, IHostEnvironment environment, ILogger<ManagementServer> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The addresses actually bound (port 0 resolved), once started.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment.EnvironmentName,
            ContentRootPath = environment.ContentRootPath,
            Args = [],
        });
        builder.WebHost.UseUrls([.. options.Value.AddressList]);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(gateway.GetRequiredService<ILoggerFactory>());
        builder.Services.AddProblemDetails();
        // The management API described (ASP.NET Core's OpenAPI document), at /openapi/v1.json.
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new() { Title = "HaloIlertGateway management API", Version = "v1" };
            return Task.CompletedTask;
        }));
        builder.Services.AddSingleton(gateway.GetRequiredService<HealthCheckService>());
        // What the Audited filter writes with, looked up per request (an endpoint filter is made without services).
        builder.Services.AddSingleton(gateway.GetRequiredService<AuditTrail>());
        builder.Services.AddSingleton(gateway.GetRequiredService<TimeProvider>());
        // Only the configured host names: a page whose own name resolves here (DNS rebinding) names its own host.
        builder.Services.AddHostFiltering(filter =>
        {
            filter.AllowedHosts = [.. options.Value.AllowedHostList];
            filter.AllowEmptyHosts = false;
            filter.IncludeFailureMessage = false;
        });

        // Validated on start (ManagementIdentitiesValidation), so nothing is said here again.
        var identities = ManagementIdentityReader.Read(options.Value, gateway.GetRequiredService<SecretStore>(), errors: []);
        _app = builder.Build();
        _app.UseHostFiltering();
        _app.UseBrowserDefenses();
        _app.UseExceptionHandler();
        _app.Use(new ManagementSignIn(identities, demo: gateway.GetService<DemoReceiver>() is not null, gateway.GetRequiredService<ILogger<ManagementSignIn>>()).InvokeAsync);
        TransformEndpoints.Map(_app, gateway);
        TransformVersionEndpoints.Map(_app, gateway);
        DeliveryEndpoints.Map(_app, gateway);
        OperatorEndpoints.Map(_app, gateway, options.Value);
        AuditEndpoints.Map(_app, gateway);
        _app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        _app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ObservabilityServiceCollectionExtensions.ReadyTag), ResponseWriter = ReadinessWriter.WriteAsync });
        _app.MapOpenApi();
        _app.MapPrometheusScrapingEndpoint("/metrics", gateway.GetRequiredService<MeterProvider>(), configureBranchedPipeline: null, optionsName: null);
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new GatewayConfigurationException(
                $"The management port cannot listen on {options.Value.Urls}: the address is in use (another gateway?). "
                + "Move it with Gateway:Management:Urls (env Gateway__Management__Urls, e.g. http://127.0.0.1:5082), or turn it off with Gateway:Management:Enabled=false.", ex);
        }

        Addresses = [.. _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(a => new Uri(a))];
        var addresses = string.Join(", ", Addresses);
        Log.Listening(logger, addresses, identities.SignInRequired, options.Value.Users.Count, identities.HasTrustedProxies);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Management port listening on {Addresses} (sign-in required: {SignInRequired}; users: {Users}; trusted proxies: {TrustedProxies})")]
        public static partial void Listening(ILogger logger, string addresses, bool signInRequired, int users, bool trustedProxies);
    }
}
