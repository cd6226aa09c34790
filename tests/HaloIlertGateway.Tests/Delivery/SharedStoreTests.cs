using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.Tests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.Tests.Delivery;

/// <summary>The gateway on PostgreSQL (Gateway:Store:Provider Postgres), end to end.</summary>
public sealed class SharedStoreTests
{
    [Fact]
    public async Task OnPostgresEventsAreStoredOrderedAndDeliveredAsOnSqlite()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var harness = await GatewayHarness.StartAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString));
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
        await using var harness = await GatewayHarness.StartAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString));
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
            Assert.Equal("Unhealthy", await OutboxCheckAsync(harness));
        }
        finally
        {
            await server.StartAgainAsync();
        }

        await Eventually.TrueAsync(async () => await OutboxCheckAsync(harness) == "Healthy", "readiness to recover", TimeSpan.FromSeconds(30));
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
        await using var first = await GatewayHarness.StartAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString));
        await using var second = await GatewayHarness.StartAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString));
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

    private static async Task<string> OutboxCheckAsync(GatewayHarness harness)
    {
        using var response = await harness.Management.GetAsync("/readyz");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["checks"]!["outbox"]!["status"]!.GetValue<string>();
    }
}
