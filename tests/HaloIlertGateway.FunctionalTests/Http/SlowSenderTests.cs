using System.Net;
using System.Net.Http.Headers;
using HaloIlertGateway.Http;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Http;

/// <summary>
/// Memory admission end to end: senders that declare a megabyte and trickle a few bytes (the attack that ran a
/// 384 MiB gateway out of memory) hold what they sent, not what they declared; past the body budget a sender gets 503
/// at once; a genuine alert gets through either way. (At full size, with the heap capped: bench/attacks.sh.)
/// </summary>
public sealed class SlowSenderTests
{
    [Fact]
    public async Task SendersThatDeclareAMegabyteAndTrickleHoldWhatTheySentAndAGenuineAlertGetsThrough()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        using var stop = new CancellationTokenSource();
        var budget = harness.Gateway.Services.GetRequiredService<BodyBudget>();

        var trickles = Enumerable.Range(0, 100).Select(i => Send(harness, $"atk{i}", new Trickle(declared: 1024 * 1024, sent: 300, stop.Token))).ToList();
        await Eventually.TrueAsync(() => budget.Held >= 100 * 300, "every trickling sender's first bytes read");

        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1);
        Assert.InRange(budget.Held, 100 * 300, 100 * 300 + 16 * 1024);

        await stop.CancelAsync();
        await Task.WhenAll(trickles.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        await Eventually.TrueAsync(() => budget.Held == 0, "every sender's bytes given back");
    }

    [Fact]
    public async Task PastTheBodyBudgetASenderGets503AtOnceAndAGenuineAlertStillGetsThrough()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            g.Settings["Gateway:Limits:MaxBufferedBodyBytes"] = "1048576";
            g.Settings["Gateway:Limits:MaxBufferedBodyBytesPerClient"] = "1048576";
            g.Settings["Gateway:Limits:ReservedForKnownBytes"] = "200000";
        });
        using var stop = new CancellationTokenSource();
        var budget = harness.Gateway.Services.GetRequiredService<BodyBudget>();
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1);

        // Two senders on made-up keys hold 800 KB of the 848 KB they may use and stall; a third would need another 400 KB.
        var holders = Enumerable.Range(0, 2).Select(i => Send(harness, $"hold{i}", new Trickle(declared: 1_000_000, sent: 400_000, stop.Token))).ToList();
        await Eventually.TrueAsync(() => budget.Held >= 800_000, "the two senders' 800 KB read");
        using var refused = await Send(harness, "over", new Trickle(declared: 1_000_000, sent: 400_000, stop.Token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("urn:haloilertgateway:problem:busy", (await GatewayHarness.ReadProblemAsync(refused))["type"]!.GetValue<string>());
        await Eventually.TrueAsync(() => budget.Held < 900_000, "the refused sender's bytes given back");
        // The genuine key is known: it may use the part kept for known senders.
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 2);
        Assert.DoesNotContain(harness.Ilert.Received, r => r.Json?["integrationKey"]?.GetValue<string>() != GenuineAlerts.Key);
        await stop.CancelAsync();
        await Task.WhenAll(holders.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    [Fact]
    public async Task ABodyKeptOpenPastTheReadTimeoutIs408AndItsShareGivenBack()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            g.Settings["Gateway:Limits:BodyReadTimeout"] = "00:00:01";
        });
        using var stop = new CancellationTokenSource();
        var budget = harness.Gateway.Services.GetRequiredService<BodyBudget>();

        using var cutOff = await Send(harness, "slow", new Trickle(declared: 1_000_000, sent: 300, stop.Token));

        Assert.Equal(HttpStatusCode.RequestTimeout, cutOff.StatusCode);
        Assert.Equal("urn:haloilertgateway:problem:body-timeout", (await GatewayHarness.ReadProblemAsync(cutOff))["type"]!.GetValue<string>());
        await stop.CancelAsync();
        await Eventually.TrueAsync(() => budget.Held == 0, "the sender's bytes given back");
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1);
    }

    /// <summary>
    /// Sends on the test server's own client: the factory's default client buffers a request's content (to follow
    /// redirects), which would hold a trickling body back before the gateway saw a byte.
    /// </summary>
    private static Task<HttpResponseMessage> Send(GatewayHarness harness, string key, HttpContent content)
    {
        _ = harness.Client;
        return harness.Gateway.Server.CreateClient().PostAsync(GenuineAlerts.Path(key), content);
    }

    /// <summary>
    /// A body that declares <c>declared</c> bytes, sends <c>sent</c> of them, and then nothing until stopped, when it
    /// ends short (the test server passes the end on; a real sender would be cut off by the server's data rate).
    /// </summary>
    private sealed class Trickle : HttpContent
    {
        private readonly long _declared;
        private readonly int _sent;
        private readonly CancellationToken _stop;

        public Trickle(long declared, int sent, CancellationToken stop)
        {
            (_declared, _sent, _stop) = (declared, sent, stop);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
            Headers.ContentLength = declared;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(new byte[_sent].Select(_ => (byte)' ').ToArray(), _stop);
            await stream.FlushAsync(_stop);
            try
            {
                await Task.Delay(Timeout.Infinite, _stop);
            }
            catch (OperationCanceledException)
            {
                // Stopped: the body ends here.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _declared;
            return true;
        }
    }
}
