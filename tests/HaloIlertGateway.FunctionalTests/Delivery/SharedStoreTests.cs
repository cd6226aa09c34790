using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>The gateway on PostgreSQL (Gateway:Store:Provider Postgres), end to end.</summary>
public sealed class SharedStoreTests
{
    [Fact]
    public async Task OnPostgresEventsAreStoredOrderedAndDeliveredAsOnSqlite()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString));
        var fail = true;
        harness.Ilert.Respond = _ => fail ? FakeIlert.Unreachable : null!;

        for (var step = 1; step <= 3; step++)
        {
            using var queued = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-pg", Ticket(7, step, closed: step == 3));
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        fail = false;
        harness.Ilert.Respond = null;
        var delivered = await harness.Ilert.WaitForAcceptedAsync(3, TimeSpan.FromSeconds(30));
        Assert.Equal([1, 2, 3], delivered.Select(StepOf));
    }

    [Fact]
    public async Task WhilePostgresIsDownAlertRoutesAnswer503AndReadinessIsUnhealthyAndBothRecoverByThemselves()
    {
        var server = await PostgresServer.StartOwnAsync();
        var connectionString = await server.CreateDatabaseAsync();
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString));
        using (var before = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-pg-outage", Ticket(1, 1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        await server.StopAsync();
        try
        {
            using var during = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-pg-outage", Ticket(2, 1));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.NotNull(during.Headers.RetryAfter);
            Assert.Equal("urn:haloilertgateway:problem:outbox-unavailable", (await GatewayHarness.ReadProblemAsync(during))["type"]!.GetValue<string>());
            Assert.Equal("Unhealthy", await harness.OutboxCheckAsync());
        }
        finally
        {
            await server.StartAgainAsync();
        }

        await Eventually.TrueAsync(async () => await harness.OutboxCheckAsync() == "Healthy", "readiness to recover", TimeSpan.FromSeconds(30));
        using var after = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-pg-outage", Ticket(2, 1));
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        var delivered = await harness.Ilert.WaitForAcceptedAsync(2, TimeSpan.FromSeconds(30));
        Assert.Equal(2, delivered.Count);
        await server.StopAsync();
    }

    [Fact]
    public async Task EachReplicaSeesTheOthersHeartbeatAndWhoHoldsALease()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var first = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString));
        await using var second = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString));
        _ = first.Client;
        _ = second.Client;

        await Eventually.TrueAsync(async () =>
        {
            var cluster = (await first.Management.GetFromJsonAsync<JsonObject>("/_gateway/cluster"))!;
            return cluster["replicas"]!.AsArray().Count(r => r!["alive"]!.GetValue<bool>()) == 2;
        }, "both replicas' heartbeats", TimeSpan.FromSeconds(30));
        var seen = (await second.Management.GetFromJsonAsync<JsonObject>("/_gateway/cluster"))!;
        Assert.Equal("Postgres", seen["store"]!.GetValue<string>());
        Assert.Single(seen["replicas"]!.AsArray(), r => r!["self"]!.GetValue<bool>() && r["id"]!.GetValue<string>() == seen["self"]!.GetValue<string>());
    }

    [Fact]
    public async Task OnPostgresTheKeyClassesAndTheBudgetsHoldForEveryReplica()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        void Configure(GatewayFactory g)
        {
            g.WithFastRetries().WithPostgres(connectionString);
            // 4 MiB in all: events of keys on probation 256 KiB, cluster-wide.
            g.Settings["Gateway:Delivery:MaxOutboxBytes"] = (4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var a = await GatewayHarness.CreateAsync(configure: Configure);
        await using var b = await GatewayHarness.CreateAsync(configure: Configure);
        a.Ilert.Respond = r => GenuineAlerts.AsIlert(r)!;
        b.Ilert.Respond = r => GenuineAlerts.AsIlert(r)!;
        await GenuineAlerts.PostAndAwaitDeliveryAsync(a, 1);

        // A key ilert refused through replica A is refused at replica B's door.
        using (var first = await a.PostJsonAsync(GenuineAlerts.Path("il1hps-refused-on-a"), Ticket(1, 1)))
        {
            Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        }

        using (var atB = await b.PostJsonAsync(GenuineAlerts.Path("il1hps-refused-on-a"), Ticket(2, 1)))
        {
            Assert.Equal("urn:haloilertgateway:problem:integration-key-refused", (await GatewayHarness.ReadProblemAsync(atB))["type"]!.GetValue<string>());
        }

        // ilert unreachable: made-up keys through both replicas fill the probation budget, which they share.
        a.Ilert.Respond = b.Ilert.Respond = _ => FakeIlert.Unreachable;
        var summary = new string('x', 4_000);
        var refusedAt = new HashSet<string>();
        for (var i = 0; i < 200 && refusedAt.Count < 2; i++)
        {
            var (name, replica) = i % 2 == 0 ? ("a", a) : ("b", b);
            using var response = await replica.PostJsonAsync(GenuineAlerts.Path($"il1hps-stranger-{i}"), "{\"ticket\":{\"id\":7,\"summary\":\"" + summary + "\"}}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal("urn:haloilertgateway:problem:probation-full", (await GatewayHarness.ReadProblemAsync(response))["type"]!.GetValue<string>());
                refusedAt.Add(name);
            }
        }

        Assert.Equal(["a", "b"], refusedAt.Order());
        var storage = (await GenuineAlerts.DeliveryAsync(b))["storage"]!;
        Assert.InRange(storage["probationBytes"]!.GetValue<long>(), storage["probationBudget"]!.GetValue<long>() - 8_000, storage["probationBudget"]!.GetValue<long>());

        // The known key is still stored through either replica, while ilert is down.
        foreach (var replica in (GatewayHarness[])[a, b])
        {
            using var genuine = await replica.PostJsonAsync(GenuineAlerts.Path(), Ticket(9, 1));
            Assert.Equal(HttpStatusCode.Accepted, genuine.StatusCode);
        }
    }
}
