using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Hosting;

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
        using var operatorClient = new HttpClient { BaseAddress = new Uri(management) };
        await ilert.AssertNothingReceivedAsync(() => FakeIlert.OutboxDepthAt(operatorClient));
        Assert.Empty(ilert.Warmups);
        Assert.Equal(0, await gateway.StopAsync());
    }

    [Fact]
    public async Task ADestinationAddedToProxyJsonWhileTheDemoRunsIsTheReceiverToo()
    {
        // The "real" ilert: a destination pointing at it appears in proxy.json while the demo runs.
        await using var ilert = await FakeIlert.StartAsync();
        var management = new Uri($"http://127.0.0.1:{FreePort()}");
        await using var gateway = new GatewayProcess(ilert.Address, "--demo", $"--Gateway:Management:Urls={management}");
        await gateway.StartAsync();
        using var client = new HttpClient { BaseAddress = gateway.Address };
        using var operatorClient = new HttpClient { BaseAddress = management };

        ProxyJson.Apply(Path.Combine(gateway.ContentRoot, "proxy.json"), $$"""
            "ReverseProxy": {
              "Clusters": { "ilert": { "Destinations": { "eu": { "Address": "{{ilert.Address}}" } } } },
              "Routes": { "reloaded": { "ClusterId": "ilert", "Match": { "Path": "/reloaded/{**rest}" } } }
            }
            """);
        await Eventually.TrueAsync(async () => (await operatorClient.GetStringAsync("/_gateway/routes")).Contains("\"reloaded\"", StringComparison.Ordinal), "the reloaded proxy.json applied");
        for (var i = 0; i < 8; i++)
        {
            using var passthrough = await client.PostAsync("/api/v1/incidents", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(passthrough.IsSuccessStatusCode, $"{passthrough.StatusCode}");
            await PostTicketAsync(gateway, "il1hps-reload", Ticket(100 + i, 1));
        }

        await Eventually.TrueAsync(async () => (await operatorClient.GetFromJsonAsync<JsonArray>("/_gateway/demo"))!.Count >= 16, "every call at the demo receiver");
        await ilert.AssertNothingReceivedAsync(() => FakeIlert.OutboxDepthAt(operatorClient));
        Assert.Equal(0, await gateway.StopAsync());
    }

    [Fact]
    public async Task TheReceiverTakesNoTokenFromThisMachineOnly()
    {
        const string token = "a-management-token-of-some-length";
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address, "--demo", "--Gateway:Management:Urls=http://0.0.0.0:0", $"--Gateway:Management:Token={token}");
        await gateway.StartAsync();
        var port = new Uri(gateway.Output.Select(line => ManagementAddress().Match(line)).First(match => match.Success).Groups[1].Value).Port;
        var outside = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses).Select(address => address.Address)
            .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(address));
        using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using (var fromHere = await local.PostAsync("/_demo/ilert/api/events", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, fromHere.StatusCode);
        }

        if (outside is not null)
        {
            using var remote = new HttpClient { BaseAddress = new Uri($"http://{outside}:{port}") };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/_demo/ilert/api/events") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Host = $"127.0.0.1:{port}";
            using var fromElsewhere = await remote.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, fromElsewhere.StatusCode);
        }

        Assert.Equal(0, await gateway.StopAsync());
    }

    [Fact]
    public async Task AnEventANormalRunQueuedStaysQueuedForIlertThroughADemoRunOnTheSameFolder()
    {
        const string token = "a-management-token-of-some-length";
        await using var ilert = await FakeIlert.StartAsync();
        ilert.Respond = _ => Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        var database = Path.Combine(TestFolders.Create("demo-sealed-"), "outbox.db");
        var outboxSetting = $"--Gateway:Delivery:DatabasePath={database}";

        // A normal run: ilert is down, so the ticket waits in the outbox.
        await using (var normal = new GatewayProcess(ilert.Address, outboxSetting))
        {
            await normal.StartAsync();
            await PostTicketAsync(normal, "il1hps-real", Ticket(1, 1));
            await ilert.WaitForAsync(1);
            Assert.Equal(0, await normal.StopAsync());
        }

        // A demo run on the same setting, with a management token: its own outbox, its receiver open without the token.
        var management = new Uri($"http://127.0.0.1:{FreePort()}");
        await using (var demo = new GatewayProcess(ilert.Address, "--demo", outboxSetting, $"--Gateway:Management:Urls={management}", $"--Gateway:Management:Token={token}"))
        {
            await demo.StartAsync();
            var banner = demo.Output.Select(line => DemoOutbox().Match(line)).Single(match => match.Success);
            var demoOutbox = Path.GetDirectoryName(banner.Groups[1].Value)!;
            Assert.StartsWith(Path.Combine(Path.GetTempPath(), "haloilertgateway-demo-"), demoOutbox, StringComparison.Ordinal);
            Assert.NotEqual(Path.GetFullPath(database), Path.GetFullPath(banner.Groups[1].Value));
            using var operatorClient = new HttpClient { BaseAddress = management };
            operatorClient.DefaultRequestHeaders.Authorization = new("Bearer", token);

            await PostTicketAsync(demo, "il1hps-demo", Ticket(2, 1));

            JsonArray received = [];
            await Eventually.TrueAsync(async () => (received = (await operatorClient.GetFromJsonAsync<JsonArray>("/_gateway/demo"))!).Count >= 1, "the demo event at the demo receiver");
            Assert.Equal("halopsa-2", Assert.Single(received)!["body"]!["alertKey"]!.GetValue<string>());
            Assert.Empty((await operatorClient.GetFromJsonAsync<JsonArray>("/_gateway/outbox"))!);
            Assert.True(Directory.Exists(demoOutbox), demoOutbox);
            Assert.Equal(0, await demo.StopAsync());
            Assert.False(Directory.Exists(demoOutbox), "the demo's outbox is removed when it stops");
        }

        // A normal run again, ilert back: the real ticket is delivered, the demo's never is.
        ilert.Respond = null;
        await using (var normal = new GatewayProcess(ilert.Address, outboxSetting))
        {
            await normal.StartAsync();
            var accepted = Assert.Single(await ilert.WaitForAcceptedAsync(1));
            Assert.Equal("halopsa-1", accepted.Json!["alertKey"]!.GetValue<string>());
        }

        Assert.DoesNotContain(ilert.Received, request => request.Json?["alertKey"]?.GetValue<string>() == "halopsa-2");
    }

    private static async Task PostTicketAsync(GatewayProcess gateway, string key, string ticket)
    {
        using var client = new HttpClient { BaseAddress = gateway.Address };
        using var response = await client.PostAsync($"/api/v1/events/halopsa/{key}", new StringContent(ticket, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"own outbox (\S+), removed at exit")]
    private static partial Regex DemoOutbox();

    [GeneratedRegex(@"Management port listening on (http://\S+) ")]
    private static partial Regex ManagementAddress();

    [GeneratedRegex(@"--data-binary @(\S+) \\\s*\n\s*(http://localhost:5080/\S+)")]
    private static partial Regex CurlCommand();
}
