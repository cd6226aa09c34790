namespace HaloIlertGateway.Hosting;

internal static class GatewayHostingExtensions
{
    /// <summary>Config key of the routing file ops edit; relative paths resolve against the content root.</summary>
    public const string ProxyConfigFileKey = "Gateway:ProxyConfigFile";

    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>
    /// Adds <c>proxy.json</c> (reloaded on change) below environment variables and the command line, so that the
    /// standard overrides (<c>ReverseProxy__Clusters__ilert__Destinations__primary__Address=...</c>) still win,
    /// and listens on <see cref="DefaultUrl"/> unless <c>--urls</c>, <c>ASPNETCORE_URLS</c> or Kestrel config say otherwise.
    /// </summary>
    public static WebApplicationBuilder AddGatewayConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        // The shipped appsettings.json (log levels) beside the app, below everything else: `dotnet run --project gateway`
        // runs from the repository root, whose content root has none, and a published app or the container have it in
        // both places (the content root's copy then wins, as before).
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(shipped))
        {
            var defaults = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = shipped, Optional = true };
            defaults.ResolveFileProvider();
            ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, defaults);
        }

        var proxyConfig = GatewayPaths.Resolve(builder.Environment.ContentRootPath, builder.Configuration[ProxyConfigFileKey] ?? "proxy.json");
        CheckReadable(proxyConfig, builder.Configuration[ProxyConfigFileKey] is not null);
        // Watched by content, so that a Kubernetes ConfigMap's ..data swap is seen (see MountedFileProvider); stopped
        // with the host.
        var files = new MountedFileProvider(Path.GetDirectoryName(proxyConfig)!);
        builder.Services.AddHostedService(_ => files);
        var source = new GuardedJsonConfigurationSource
        {
            FileProvider = files,
            Path = Path.GetFileName(proxyConfig),
            Optional = false,
            ReloadOnChange = true,
            ReloadDelay = 50,
        };
        ((IConfigurationBuilder)builder.Configuration).Add(source);
        builder.Configuration
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        // Whether the file serving is the file on disk: a change that does not parse or validate is logged, and
        // /readyz turns Degraded until a good one is applied.
        builder.Services.AddSingleton<ProxyConfigStatus>();
        builder.Services.AddSingleton<Yarp.ReverseProxy.Configuration.IConfigChangeListener, ProxyConfigChangeListener>();

        // Kestrel reads its endpoints from configuration but not its limits: bound here, so that Kestrel:Limits in
        // appsettings.json (the shipped connection and buffer limits), proxy.json, the environment or --args apply.
        builder.WebHost.ConfigureKestrel((context, kestrel) => context.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits));

        var configured = builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? builder.Configuration[WebHostDefaults.HttpPortsKey] ?? builder.Configuration[WebHostDefaults.HttpsPortsKey];
        if (string.IsNullOrEmpty(configured) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        return builder;
    }

    /// <summary>The routing file must be there and readable: said as what to do, before anything tries to watch or parse it.</summary>
    private static void CheckReadable(string proxyConfig, bool configured)
    {
        var which = configured ? $"Gateway:ProxyConfigFile names {proxyConfig}" : $"the routing file {proxyConfig} (Gateway:ProxyConfigFile, default proxy.json)";
        if (!File.Exists(proxyConfig))
        {
            throw new GatewayConfigurationException(
                $"{char.ToUpperInvariant(which[0])}{which[1..]}, which does not exist. Create it (copy the repository's proxy.json), or set "
                + "Gateway:ProxyConfigFile (env Gateway__ProxyConfigFile, or --Gateway:ProxyConfigFile=...) to the file you mounted.");
        }

        try
        {
            using var _ = File.OpenRead(proxyConfig);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new GatewayConfigurationException(
                $"{char.ToUpperInvariant(which[0])}{which[1..]}, which cannot be read ({ex.Message}). Give the user the gateway runs as read access to it.");
        }
    }

    /// <summary>The start-up warm-up (<see cref="StartupWarmup"/>): readiness waits for it, bounded by its timeout.</summary>
    public static IServiceCollection AddGatewayWarmup(this IServiceCollection services)
    {
        services.AddOptions<WarmupOptions>().BindConfiguration(WarmupOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StartupWarmup>();
        services.AddHostedService(provider => provider.GetRequiredService<StartupWarmup>());
        return services;
    }
}
