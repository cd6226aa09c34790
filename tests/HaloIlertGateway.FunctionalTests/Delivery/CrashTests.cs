using System.Net;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

public sealed class CrashTests
{
    [Fact]
    public async Task EveryAcknowledgedEventIsDeliveredAfterTheGatewayIsKilledAndRestarted()
    {
        await using var ilert = await FakeIlert.StartAsync();
        ilert.Respond = _ => FakeIlert.Unreachable;
        await using var gateway = new GatewayProcess(ilert.Address,
            "--Gateway:Delivery:InitialBackoff=00:00:00.100", "--Gateway:Delivery:MaxBackoff=00:00:00.500",
            "--Gateway:Delivery:PollInterval=00:00:00.100", "--Gateway:Delivery:AbandonedAttemptSettle=00:00:00",
            "--Gateway:Delivery:RatePerMinutePerKey=60000", "--Gateway:Delivery:MaxSendsPerWindow=1000000");
        await gateway.StartAsync();
        using var client = new HttpClient { BaseAddress = gateway.Address };

        var acknowledged = new List<int>();
        for (var ticket = 1; ticket <= 30; ticket++)
        {
            using var response = await client.PostAsync("/api/v1/events/halopsa/il1hps-crash", new StringContent(Ticket(ticket, 1), System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            acknowledged.Add(ticket);
        }

        await gateway.KillAsync();
        ilert.Respond = null;
        await gateway.StartAsync();

        var accepted = await ilert.WaitForAcceptedAsync(acknowledged.Count, TimeSpan.FromSeconds(60));
        var delivered = accepted.Select(r => r.Json!["alertKey"]!.GetValue<string>()).ToHashSet();
        Assert.All(acknowledged, ticket => Assert.Contains("halopsa-" + ticket, delivered));
    }
}
