using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.Tests.Hosting;

/// <summary>README's "Try it in one minute", run as written: the gateway with --demo, the curl, and what ilert would have received.</summary>
public sealed partial class DemoModeTests
{
    [Fact]
    public async Task TheReadmesFirstMinuteShowsTheEventIlertWouldHaveReceivedAndNothingLeavesTheMachine()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Try it in one minute", StringComparison.Ordinal)..readme.IndexOf("## Two commands", StringComparison.Ordinal)];
        Assert.Contains("dotnet run --project gateway -- --demo", section, StringComparison.Ordinal);
        var curl = CurlCommand().Match(section);
        Assert.True(curl.Success, "README's first section has the curl that posts the sample");
        var (bodyFile, path) = (curl.Groups[1].Value, new Uri(curl.Groups[2].Value).PathAndQuery);

        // A fake ilert that must receive nothing: demo mode sends every call to its own receiver.
        await using var ilert = await FakeIlert.StartAsync();
        var management = $"http://127.0.0.1:{FreePort()}";
        await using var gateway = new GatewayProcess(ilert.Address, "--demo", $"--Gateway:Management:Urls={management}");
        await gateway.StartAsync();

        using var client = new HttpClient();
        using var content = new ByteArrayContent(File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, bodyFile)));
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync(new Uri(gateway.Address, path), content);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

        var received = (await client.GetFromJsonAsync<JsonArray>(new Uri(new Uri(management), "/_gateway/demo")))!;
        var delivery = Assert.Single(received)!;
        Assert.Equal("/api/events", delivery["path"]!.GetValue<string>());
        var @event = delivery["body"]!;
        Assert.Equal(("ALERT", "halopsa-10234"), (@event["eventType"]!.GetValue<string>(), @event["alertKey"]!.GetValue<string>()));
        Assert.Equal("***", @event["integrationKey"]!.GetValue<string>());
        Assert.Empty(ilert.Received);
        Assert.Empty(ilert.Warmups);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"--data-binary @(\S+) \\\s*\n\s*(http://localhost:5080/\S+)")]
    private static partial Regex CurlCommand();
}
