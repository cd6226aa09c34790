using System.Net;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// The store's file is the file: an outbox deleted under the running gateway is noticed (503, Unhealthy), and when a
/// file is at its path again the gateway opens it and carries over what it still held; nothing acknowledged is lost.
/// </summary>
public sealed class OutboxFileTests
{
    [Fact]
    public async Task ADeletedOutboxRefusesEventsUntilAFileIsBackAndWhatItHeldIsDelivered()
    {
        var database = Path.Combine(TestFolders.Create("outbox-deleted-"), "outbox.db");
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            g.Settings["Gateway:Delivery:DatabasePath"] = database;
        });
        harness.Ilert.Respond = _ => FakeIlert.Unreachable;
        using (var before = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-file", Ticket(1, 1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(database)!))
        {
            File.Delete(file);
        }

        using (var during = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-file", Ticket(2, 1)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.Equal("urn:haloilertgateway:problem:outbox-unavailable", (await GatewayHarness.ReadProblemAsync(during))["type"]!.GetValue<string>());
        }

        Assert.Equal("Unhealthy", await harness.OutboxCheckAsync());

        // An empty file at the path (or the file restored): opened, with the event it held carried over.
        await File.WriteAllBytesAsync(database, []);
        await Eventually.TrueAsync(async () => await harness.OutboxCheckAsync() == "Healthy", "the outbox check Healthy again");
        using (var after = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-file", Ticket(3, 1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        }

        harness.Ilert.Respond = null;
        var delivered = await harness.Ilert.WaitForAcceptedAsync(2);
        Assert.Equal(["halopsa-1", "halopsa-3"], delivered.Select(r => r.Json!["alertKey"]!.GetValue<string>()).Distinct().Order());
        Assert.True(new FileInfo(database).Length > 0);
        Assert.Contains(harness.Gateway.Logs.Events, e => e.RenderMessage().Contains("was replaced under the running gateway", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhileTheFileIsGoneTheWorkerDeliversWhatTheOpenFileHolds()
    {
        var database = Path.Combine(TestFolders.Create("outbox-gone-"), "outbox.db");
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            g.Settings["Gateway:Delivery:DatabasePath"] = database;
        });
        // A key ilert has not answered yet: the worker reads its class from the store at every look.
        harness.Ilert.Respond = _ => FakeIlert.Unreachable;
        for (var ticket = 2; ticket <= 4; ticket++)
        {
            using var queued = await harness.PostJsonAsync(GenuineAlerts.Path(), Ticket(ticket, 1));
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(database)!))
        {
            File.Delete(file);
        }

        // Nothing is put back: the three events, acknowledged before, still reach ilert from the file held open.
        harness.Ilert.Respond = null;
        var delivered = await harness.Ilert.WaitForAcceptedAsync(3);
        Assert.Equal(["halopsa-2", "halopsa-3", "halopsa-4"], delivered.Select(r => r.Json!["alertKey"]!.GetValue<string>()).Distinct().Order());
        Assert.Equal("Unhealthy", await harness.OutboxCheckAsync());
    }
}
