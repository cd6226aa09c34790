using System.Net;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// Genuine keys first: a flood of events on made-up integration keys (the attack that held a genuine alert back for
/// 651 s) takes at most the probation share of ilert's budget, and the keys ilert refuses are answered 404 at the door.
/// </summary>
public sealed class KeyClassTests
{
    [Fact]
    public async Task AFloodOnMadeUpKeysNeitherDelaysAGenuineAlertNorGetsPastItsShare()
    {
        // ilert's limits, with an all-keys budget of 100 a minute that the flood alone could spend three times over.
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries().WithIlertLimits();
            g.Settings["Gateway:Delivery:MaxSendsPerWindow"] = "100";
        });
        harness.Ilert.Respond = r => GenuineAlerts.AsIlert(r)!;
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1);

        // 300 tickets on 300 made-up keys, eight senders at once, while the genuine key keeps posting.
        var flood = Task.WhenAll(Enumerable.Range(0, 8).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < 300 / 8 + 1; i++)
            {
                using var response = await harness.PostJsonAsync(GenuineAlerts.Path($"atk{Guid.NewGuid():N}"), Ticket(i, 1));
            }
        })));
        // Each genuine alert reaches ilert within seconds of its post (PostAndAwaitDeliveryAsync's deadline): none
        // waits behind the flood, whose share of the 100 a minute is the probation share, 10 (the paced turn a
        // genuine alert would otherwise wait for is a minute away). The genuine key keeps to its own 50 a minute: 40
        // alerts here and the last one after the flood, however long the flood takes on a slow machine.
        for (var ticket = 2; (!flood.IsCompleted || ticket < 4) && ticket <= 40; ticket++)
        {
            await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, ticket);
        }

        await flood;
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1000);
        var attackerSends = harness.Ilert.Received.Count(r => r.Json?["integrationKey"]?.GetValue<string>() != GenuineAlerts.Key);
        Assert.InRange(attackerSends, 1, 10);
        var keys = (await GenuineAlerts.DeliveryAsync(harness))["keys"]!;
        Assert.Equal(1, keys["known"]!.GetValue<long>());
        Assert.Equal(attackerSends, keys["refused"]!.GetValue<long>());
    }

    [Fact]
    public async Task AKeyIlertRefusedIsAnswered404AtTheDoorAndNothingIsStoredOrSent()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().LogEverything());
        harness.Ilert.Respond = r => GenuineAlerts.AsIlert(r)!;
        const string Stranger = "il1hps-no-such-source-77aa";

        // The first event of a key never seen: ilert's own 404 goes back to the sender, and the key is refused.
        using (var first = await harness.PostJsonAsync(GenuineAlerts.Path(Stranger), Ticket(1, 1)))
        {
            Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        }

        using var again = await harness.PostJsonAsync(GenuineAlerts.Path(Stranger), Ticket(2, 1));
        var problem = await GatewayHarness.ReadProblemAsync(again);

        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("urn:haloilertgateway:problem:integration-key-refused", problem["type"]!.GetValue<string>());
        Assert.Single(harness.Ilert.Received);
        Assert.Equal(0, (await GenuineAlerts.DeliveryAsync(harness))["outboxDepth"]!.GetValue<long>());
        Assert.DoesNotContain(Stranger, problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Stranger, harness.Gateway.Logs.AllText, StringComparison.Ordinal);
        Assert.Contains(harness.Gateway.Logs.Events, e => e.RenderMessage().Contains("refused until", StringComparison.Ordinal));

        // The operator fixed the alert source: the refusal is forgotten, and the next event is sent again.
        using var forget = await harness.Management.DeleteAsync("/_gateway/keys/refused");
        Assert.Contains("\"forgotten\":1", await forget.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        harness.Ilert.Respond = null;
        using var accepted = await harness.PostJsonAsync(GenuineAlerts.Path(Stranger), Ticket(3, 1));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(2, harness.Ilert.Received.Count);
    }

    [Fact]
    public async Task ARefusedKeyIsAnsweredBeforeItsBodyIsReadOrItsTransformRuns()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        harness.Ilert.Respond = r => GenuineAlerts.AsIlert(r)!;
        using (var first = await harness.PostJsonAsync(GenuineAlerts.Path("il1hps-gone"), Ticket(1, 1)))
        {
            Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        }

        // A body that is not JSON would be a 400 and a dead letter: the key is refused first, and nothing is kept.
        using var junk = await harness.PostJsonAsync(GenuineAlerts.Path("il1hps-gone"), "not json at all");

        Assert.Equal("urn:haloilertgateway:problem:integration-key-refused", (await GatewayHarness.ReadProblemAsync(junk))["type"]!.GetValue<string>());
        Assert.Equal(0, (await GenuineAlerts.DeliveryAsync(harness))["deadLetters"]!.GetValue<long>());
    }

    [Fact]
    public async Task AKeyIlertHasAcceptedIsNeverRefusedOnA404ItsEventsStayReplayable()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1);

        // A transform or edge that sends to a wrong path: ilert answers 404 for the known key.
        harness.Ilert.Respond = _ => Microsoft.AspNetCore.Http.Results.NotFound();
        using (var lost = await harness.PostJsonAsync(GenuineAlerts.Path(), Ticket(2, 1)))
        {
            Assert.Equal(HttpStatusCode.NotFound, lost.StatusCode);
        }

        harness.Ilert.Respond = null;
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 3);
        Assert.Equal(0, (await GenuineAlerts.DeliveryAsync(harness))["keys"]!["refused"]!.GetValue<long>());
    }

    [Fact]
    public async Task AKeyOnProbationHasOneEventInFlightUntilIlertHasAnsweredThenItsBacklogFollows()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        var gate = new TaskCompletionSource();
        harness.Ilert.Respond = _ =>
        {
            gate.Task.Wait(TimeSpan.FromSeconds(10));
            return null!;
        };

        // Three alerts of a new key: the first is sent (and held by ilert); the other two wait for its answer.
        var first = harness.PostJsonAsync(GenuineAlerts.Path("il1hps-new-key"), Ticket(1, 1));
        await Eventually.TrueAsync(async () => await InFlightAsync(harness) == 1, "the first event in flight");
        using var second = await harness.PostJsonAsync(GenuineAlerts.Path("il1hps-new-key"), Ticket(2, 1));
        using var third = await harness.PostJsonAsync(GenuineAlerts.Path("il1hps-new-key"), Ticket(3, 1));
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (second.StatusCode, third.StatusCode));
        await Task.Delay(300);
        Assert.Equal(1, await InFlightAsync(harness));

        gate.SetResult();
        (await first).Dispose();
        await harness.Ilert.WaitForAcceptedAsync(3);
    }

    [Fact]
    public async Task WithAllowedKeysOnlyTheOperatorsOwnKeysAreAccepted()
    {
        using var secrets = new SecureRoute();
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            g.Settings["Gateway:Delivery:AllowedKeys:0"] = secrets.Secret("keys", $"il1hps-other, {GenuineAlerts.Key}");
        });

        using var other = await harness.PostJsonAsync(GenuineAlerts.Path("il1hps-not-listed"), Ticket(1, 1));
        var problem = await GatewayHarness.ReadProblemAsync(other);

        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("urn:haloilertgateway:problem:integration-key-not-allowed", problem["type"]!.GetValue<string>());
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 2);
        Assert.Single(harness.Ilert.Received);
    }

    /// <summary>Events claimed for an attempt now.</summary>
    private static async Task<int> InFlightAsync(GatewayHarness harness) =>
        (await harness.Gateway.Services.GetRequiredService<HaloIlertGateway.Delivery.IOutbox>().LeasesAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Count;
}
