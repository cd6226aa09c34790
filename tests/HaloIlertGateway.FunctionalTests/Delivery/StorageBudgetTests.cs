using System.Net;
using System.Text;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// Storage budgets: bodies that are not JSON, on made-up keys, fill only the small budget of anonymous dead letters
/// (the attack that filled a 1 GiB outbox in 14 s), so a genuine alert is still stored while ilert is down.
/// </summary>
public sealed class StorageBudgetTests
{
    [Fact]
    public async Task RefusedBodiesOnMadeUpKeysStayWithinTheirBudgetAndAGenuineAlertIsStillQueued()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            // 4 MiB in all: anonymous dead letters 128 KiB, a refused body kept up to 64 KiB.
            g.Settings["Gateway:Delivery:MaxOutboxBytes"] = (4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        harness.Ilert.Respond = r => GenuineAlerts.AsIlert(r)!;
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1);
        var junk = new string('<', 256 * 1024);

        for (var i = 0; i < 40; i++)
        {
            using var response = await harness.PostJsonAsync(GenuineAlerts.Path($"atk{i}"), junk);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var storage = (await GenuineAlerts.DeliveryAsync(harness))["storage"]!;
        Assert.InRange(storage["anonymousDeadLetterBytes"]!.GetValue<long>(), 64 * 1024, storage["anonymousDeadLetterBudget"]!.GetValue<long>());
        Assert.InRange(storage["totalBytes"]!.GetValue<long>(), 0, 256 * 1024);

        // ilert is down now: the genuine alert is stored (202 queued), not refused, and delivered when ilert is back.
        harness.Ilert.Respond = _ => Microsoft.AspNetCore.Http.Results.StatusCode(503);
        using (var queued = await harness.PostJsonAsync(GenuineAlerts.Path(), Ticket(2, 1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            Assert.Contains("queued", await queued.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        harness.Ilert.Respond = r => GenuineAlerts.AsIlert(r)!;
        await Eventually.TrueAsync(() => harness.Ilert.Accepted.Any(r => r.Json?["alertKey"]?.GetValue<string>() == "halopsa-2"), "the queued genuine alert at ilert");
    }

    [Fact]
    public async Task DeadLettersAreDeletedInBulkByKindRouteAndAgeOnTheManagementPort()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        for (var i = 0; i < 3; i++)
        {
            using var refused = await harness.PostJsonAsync(GenuineAlerts.Path($"key{i}"), "not json");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using var none = await harness.Management.DeleteAsync("/_gateway/deadletters");
        using var badAge = await harness.Management.DeleteAsync("/_gateway/deadletters?olderThan=yesterday");
        using var other = await harness.Management.DeleteAsync("/_gateway/deadletters?kind=expired");
        using var rejected = await harness.Management.DeleteAsync("/_gateway/deadletters?kind=rejected&route=halopsa&olderThan=00:00:00");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (none.StatusCode, badAge.StatusCode));
        Assert.Contains("\"deleted\":0", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"deleted\":3", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await GenuineAlerts.DeliveryAsync(harness))["deadLetters"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("/_gateway/deadletters?limit=-1")]
    [InlineData("/_gateway/deadletters?limit=0")]
    [InlineData("/_gateway/deadletters?limit=1001")]
    [InlineData("/_gateway/outbox?limit=-1")]
    [InlineData("/_gateway/outbox?limit=100000")]
    public async Task EveryListingLimitIsFromOneToAThousand(string path)
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.Management.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("limit must be from 1 to 1000", Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
    }
}
