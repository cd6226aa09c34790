using HaloIlertGateway.Hosting;

namespace HaloIlertGateway.Admin;

/// <summary>
/// <c>dotnet run --project gateway -- --demo</c>: try the gateway without an ilert account. Every cluster destination
/// is replaced by a local receiver on the management port (<c>/_demo/ilert/</c>, open without a token), which records
/// what ilert would have received and answers as ilert does; the operator page shows it. The demo is sealed off from
/// real events: its outbox is a file of its own in the temp folder, removed when it stops (an event a normal run queued
/// stays queued for ilert), and the store is never a shared PostgreSQL. Nothing in this mode leaves the machine.
/// </summary>
internal static partial class DemoMode
{
    public const string Switch = "--demo";
    public const string ReceiverPath = "/_demo/ilert/";

    /// <summary>Where this process's demo outbox is: in the temp folder, under a name no normal run uses.</summary>
    public static string OutboxFolder { get; } = Path.Combine(Path.GetTempPath(), $"haloilertgateway-demo-{Environment.ProcessId}");

    /// <summary>Removes the demo's outbox, once the gateway has stopped (a demo keeps nothing: its events were never meant for ilert).</summary>
    public static void RemoveOutbox()
    {
        try
        {
            if (Directory.Exists(OutboxFolder))
            {
                Directory.Delete(OutboxFolder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left in the temp folder, under a name no normal run uses.
        }
    }

    /// <summary>The arguments without <c>--demo</c> (configuration would read it as a key), and whether it was there.</summary>
    public static string[] Take(string[] args, out bool demo)
    {
        demo = args.Contains(Switch, StringComparer.Ordinal);
        return demo ? [.. args.Where(arg => arg != Switch)] : args;
    }

    /// <summary>Points every configured cluster destination at the local receiver; registers the receiver.</summary>
    public static WebApplicationBuilder AddDemoMode(this WebApplicationBuilder builder)
    {
        var management = new ManagementOptions();
        builder.Configuration.GetSection(ManagementOptions.SectionName).Bind(management);
        var receiver = new Uri(StartupWarmup.LoopbackUri(management.AddressList.First()) ?? new Uri("http://127.0.0.1:5081/"), ReceiverPath);
        var overrides = new Dictionary<string, string?>();
        foreach (var cluster in builder.Configuration.GetSection("ReverseProxy:Clusters").GetChildren())
        {
            foreach (var destination in cluster.GetSection("Destinations").GetChildren())
            {
                overrides[$"{destination.Path}:Address"] = receiver.ToString();
            }
        }

        // Its own outbox, never the one real events wait in (nor a cluster's shared store).
        var outbox = Path.Combine(OutboxFolder, "outbox.db");
        overrides["Gateway:Store:Provider"] = "Sqlite";
        overrides[Delivery.DeliveryOptions.SectionName + ":DatabasePath"] = outbox;
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddSingleton(new DemoReceiver(receiver, outbox));
        builder.Services.AddHostedService<DemoBanner>();
        return builder;
    }
}
