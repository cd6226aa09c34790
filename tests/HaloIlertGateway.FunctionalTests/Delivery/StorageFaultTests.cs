using System.Net;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// Storage faults degrade, never crash. The outbox here is a real SQLite file with a small budget
/// (<c>Gateway:Delivery:MaxOutboxBytes</c>): when it is full every write is refused, exactly as on a full disk, and
/// deliveries free room again.
/// </summary>
public sealed class StorageFaultTests
{
    [Fact]
    public async Task AFullOutboxAnswers503AndUnhealthyThenRecoversByItselfWithNothingAcknowledgedLost()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            g.Settings["Gateway:Delivery:MaxOutboxBytes"] = "131072";
            g.Settings["Gateway:RateLimiting:Policies:per-integration-key:TokenLimit"] = "100000";
        });
        await KnownToIlertAsync(harness);
        harness.Ilert.Respond = _ => FakeIlert.Unreachable;
        var acknowledged = new List<int>();
        HttpResponseMessage? refused = null;
        for (var ticket = 1; ticket <= 1000 && refused is null; ticket++)
        {
            var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-full", Ticket(ticket, 1));
            if (response.IsSuccessStatusCode)
            {
                acknowledged.Add(ticket);
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("urn:haloilertgateway:problem:outbox-unavailable", (await GatewayHarness.ReadProblemAsync(refused))["type"]!.GetValue<string>());
        Assert.Equal("Unhealthy", await harness.OutboxCheckAsync());
        Assert.NotEmpty(acknowledged);

        // ilert comes back: deliveries free room, and everything acknowledged arrives.
        harness.Ilert.Respond = null;
        var accepted = await harness.Ilert.WaitForAcceptedAsync(acknowledged.Count + 1, TimeSpan.FromSeconds(60));
        var delivered = accepted.Select(r => r.Json!["alertKey"]!.GetValue<string>()).ToHashSet();
        Assert.All(acknowledged, ticket => Assert.Contains("halopsa-" + ticket, delivered));
        await Eventually.TrueAsync(async () => await harness.OutboxCheckAsync() == "Healthy", "the outbox check Healthy again", TimeSpan.FromSeconds(30));
        using var after = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-full", Ticket(5000, 1));
        Assert.True(after.IsSuccessStatusCode, $"{after.StatusCode}");
        // Every failed write was counted; the burst was logged as an error once.
        Assert.Single(harness.Gateway.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Error && e.RenderMessage().StartsWith("The outbox could not", StringComparison.Ordinal));
        refused.Dispose();
    }

    [Fact]
    public async Task AGatewayStartsOnAFullOutboxAndAnswers503UntilThereIsRoom()
    {
        var database = Path.Combine(TestFolders.Create("outbox-full-"), "outbox.db");
        void Configure(GatewayFactory g)
        {
            g.WithFastRetries();
            g.Settings["Gateway:Delivery:DatabasePath"] = database;
            g.Settings["Gateway:Delivery:MaxOutboxBytes"] = "131072";
            g.Settings["Gateway:RateLimiting:Policies:per-integration-key:TokenLimit"] = "100000";
        }

        var acknowledged = 0;
        await using (var first = await GatewayHarness.CreateAsync(configure: Configure))
        {
            await KnownToIlertAsync(first);
            first.Ilert.Respond = _ => FakeIlert.Unreachable;
            for (var ticket = 1; ticket <= 1000; ticket++)
            {
                using var response = await first.PostJsonAsync("/api/v1/events/halopsa/il1hps-full", Ticket(ticket, 1));
                if (!response.IsSuccessStatusCode)
                {
                    break;
                }

                acknowledged++;
            }
        }

        // Restarted with the outbox still full: it starts, says so, and keeps what it has.
        await using var second = await GatewayHarness.CreateAsync(configure: Configure);
        second.Ilert.Respond = _ => FakeIlert.Unreachable;
        using var refused = await second.PostJsonAsync("/api/v1/events/halopsa/il1hps-full", Ticket(5000, 1));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("Unhealthy", await second.OutboxCheckAsync());

        second.Ilert.Respond = null;
        var delivered = await second.Ilert.WaitForAcceptedAsync(acknowledged, TimeSpan.FromSeconds(60));
        Assert.Equal(acknowledged, delivered.Select(r => r.Json!["alertKey"]!.GetValue<string>()).Distinct().Count());
        await Eventually.TrueAsync(async () => await second.OutboxCheckAsync() == "Healthy", "the outbox check Healthy again", TimeSpan.FromSeconds(30));
    }

    /// <summary>ilert accepts the key's first event, as it did before the outage: the key is known, and may fill the outbox.</summary>
    private static async Task KnownToIlertAsync(GatewayHarness harness)
    {
        using var first = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-full", Ticket(0, 1));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await harness.Ilert.WaitForAcceptedAsync(1);
    }
}
