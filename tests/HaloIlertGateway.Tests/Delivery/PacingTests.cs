using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.Tests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.Tests.Delivery;

[Collection(TimingTests.Name)]
public sealed class PacingTests
{
    [Fact]
    public async Task ABurstForOneKeyIsSentNoFasterThanItsRateWhileAnotherKeyIsNotHeldUp()
    {
        await using var harness = await GatewayHarness.StartAsync(configure: g => g.WithFastRetries(ratePerMinute: 300));
        var sendTimes = new Dictionary<string, DateTimeOffset>();

        for (var ticket = 1; ticket <= 30; ticket++)
        {
            (await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-burst", Ticket(ticket, 1))).EnsureSuccessStatusCode();
            if (ticket == 10)
            {
                for (var other = 101; other <= 105; other++)
                {
                    sendTimes["halopsa-" + other] = DateTimeOffset.UtcNow;
                    (await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-other", Ticket(other, 1))).EnsureSuccessStatusCode();
                }
            }
        }

        var accepted = await harness.Ilert.WaitForAcceptedAsync(35, TimeSpan.FromSeconds(30));

        // 5 per second. The pacer spaces the sends; these are arrival times, which also carry each send's own latency
        // (a loaded test machine stretches one now and then). So: the whole burst spans its 29 intervals (less 10%),
        // and no six consecutive events arrive within 700 ms (unpaced, all 30 arrive within a few hundred ms).
        var burst = accepted.Where(r => r.Json!["integrationKey"]!.GetValue<string>() == "il1hps-burst").Select(r => r.ReceivedAt).Order().ToList();
        Assert.Equal(30, burst.Count);
        Assert.True(burst[^1] - burst[0] >= TimeSpan.FromMilliseconds(29 * 200 * 0.9), $"the burst took {(burst[^1] - burst[0]).TotalMilliseconds} ms");
        for (var i = 0; i + 5 < burst.Count; i++)
        {
            Assert.True(burst[i + 5] - burst[i] >= TimeSpan.FromMilliseconds(700), $"events {i}..{i + 5} within {(burst[i + 5] - burst[i]).TotalMilliseconds} ms");
        }

        // The other key's five events (at its own 5 per second) are through long before the burst's six seconds.
        var others = accepted.Where(r => r.Json!["integrationKey"]!.GetValue<string>() == "il1hps-other").ToList();
        Assert.Equal(5, others.Count);
        Assert.All(others, r => Assert.True(r.ReceivedAt - sendTimes[r.Json!["alertKey"]!.GetValue<string>()] < TimeSpan.FromSeconds(2.5)));
    }
}
