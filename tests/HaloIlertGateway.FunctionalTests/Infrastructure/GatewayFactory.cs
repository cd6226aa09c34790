using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// The real gateway in process (TestServer), forwarding to a <see cref="FakeIlert"/>. It runs from a private copy
/// of the repository's proxy.json and transforms/ (so a test may add or edit scripts), with extra configuration
/// from <see cref="Settings"/>, and every log event captured in <see cref="Logs"/>.
/// </summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    private readonly FakeIlert _ilert;

    public GatewayFactory(FakeIlert ilert, IReadOnlyDictionary<string, string>? scripts = null)
    {
        _ilert = ilert;
        ContentRoot = RepositoryPaths.CopyContentRoot("gateway-test-");
        foreach (var (name, source) in scripts ?? new Dictionary<string, string>())
        {
            File.WriteAllText(Path.Combine(TransformsDirectory, name + ".js"), source);
        }
    }

    /// <summary>The gateway's content root: proxy.json and transforms/ live here.</summary>
    public string ContentRoot { get; }

    public string TransformsDirectory => Path.Combine(ContentRoot, "transforms");

    public CapturingSink Logs { get; } = new();

    /// <summary>Configuration on top of proxy.json (like environment variables would be).</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Gateway:Management:Urls"] = "http://127.0.0.1:0",
    };

    /// <summary>Every category at Verbose, including those the shipped appsettings.json turns down.</summary>
    public GatewayFactory LogEverything()
    {
        Settings["Serilog:MinimumLevel:Default"] = "Verbose";
        var appSettings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "gateway", "appsettings.json")))!;
        foreach (var (category, _) in appSettings["Serilog"]!["MinimumLevel"]!["Override"]!.AsObject())
        {
            Settings[$"Serilog:MinimumLevel:Override:{category}"] = "Verbose";
        }

        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(ContentRoot);
        // The fake ilert is the upstream unless a test named another one in Settings.
        var settings = new Dictionary<string, string?>(Settings);
        settings.TryAdd("ReverseProxy:Clusters:ilert:Destinations:primary:Address", _ilert.Address.ToString());
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(ContentRoot, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a watcher: the temp folder is left for the OS to clean.
            }
        }
    }
}
