using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// ilert's order, not only ours: an attempt given up at its timeout may still be acted on by ilert, so the alert's next
/// event waits until that copy can no longer land (<c>AbandonedAttemptSettle</c>).
/// </summary>
public sealed class AbandonedAttemptTests
{
    [Fact]
    public async Task AResolveWaitsOutAnAbandonedAttemptOfItsAlert()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            g.Settings["Gateway:Delivery:AttemptTimeout"] = "00:00:00.500";
            g.Settings["Gateway:Delivery:AbandonedAttemptSettle"] = "00:00:05";
        });
        // ilert takes the first ALERT in, then works on it for a second: past the gateway's timeout, well within the settle time.
        var slow = new SlowlyProcessed(TimeSpan.FromSeconds(1));
        harness.Ilert.Respond = r => r.Json?["eventType"]?.GetValue<string>() == "ALERT" && slow.TakeFirst() ? slow : null!;

        using (var alert = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-settle", Ticket(7, 1)))
        {
            Assert.True(alert.IsSuccessStatusCode, $"the ALERT was answered {(int)alert.StatusCode}");
        }

        using (var resolve = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-settle", Ticket(7, 2, closed: true)))
        {
            Assert.True(resolve.IsSuccessStatusCode, $"the RESOLVE was answered {(int)resolve.StatusCode}");
        }

        var accepted = await harness.Ilert.WaitForAcceptedAsync(2, TimeSpan.FromSeconds(30));
        Assert.Equal(["ALERT", "RESOLVE"], accepted.Select(r => r.Json!["eventType"]!.GetValue<string>()));
        var landed = await slow.Landed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(accepted[1].ReceivedAt > landed, $"the RESOLVE reached ilert at {accepted[1].ReceivedAt:O}, before the abandoned ALERT landed at {landed:O}");
        Assert.True(accepted[0].ReceivedAt > landed, "the ALERT was sent again before its abandoned copy could no longer land");
    }

    /// <summary>An answer that comes after ilert has acted on the request: whether the gateway still waits or not.</summary>
    private sealed class SlowlyProcessed(TimeSpan processing) : IResult
    {
        private int _taken;

        public TaskCompletionSource<DateTimeOffset> Landed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TakeFirst() => Interlocked.Exchange(ref _taken, 1) == 0;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await Task.Delay(processing, CancellationToken.None);
            Landed.TrySetResult(DateTimeOffset.UtcNow);
        }
    }
}
