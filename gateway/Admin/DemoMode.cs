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

    /// <summary>
    /// This process's demo outbox folder: made on first use in the temp folder under a name no other process (or user)
    /// can take first, readable by this user only; removed when the gateway stops.
    /// </summary>
    public static string OutboxFolder => Folder.Value.FullName;

    private static readonly Lazy<DirectoryInfo> Folder = new(() => Directory.CreateTempSubdirectory("haloilertgateway-demo-"));

    /// <summary>Removes the demo's outbox, once the gateway has stopped (a demo keeps nothing: its events were never meant for ilert).</summary>
    public static void RemoveOutbox()
    {
        if (!Folder.IsValueCreated)
        {
            return;
        }

        try
        {
            Folder.Value.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
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

    /// <summary>Points every cluster destination at the local receiver (now and at every reload); registers the receiver.</summary>
    public static WebApplicationBuilder AddDemoMode(this WebApplicationBuilder builder)
    {
        var management = new ManagementOptions();
        builder.Configuration.GetSection(ManagementOptions.SectionName).Bind(management);
        var receiver = new Uri(StartupWarmup.LoopbackUri(management.AddressList.First()) ?? new Uri("http://127.0.0.1:5081/"), ReceiverPath);

        // Its own outbox, never the one real events wait in (nor a cluster's shared store).
        var outbox = Path.Combine(OutboxFolder, "outbox.db");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Store:Provider"] = "Sqlite",
            [Delivery.DeliveryOptions.SectionName + ":DatabasePath"] = outbox,
        });
        builder.Services.AddSingleton(new DemoReceiver(receiver, outbox));
        builder.Services.AddSingleton<Yarp.ReverseProxy.Configuration.IProxyConfigFilter, DemoDestinations>();
        builder.Services.AddHostedService<DemoBanner>();
        return builder;
    }
}
