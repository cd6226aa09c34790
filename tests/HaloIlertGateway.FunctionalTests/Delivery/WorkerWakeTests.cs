using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Postgres;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// The worker does not poll blindly: it sleeps until something says there is work. Each test sets a poll interval of
/// a minute, so that only the wake it is about can explain a delivery within seconds.
/// </summary>
public sealed class WorkerWakeTests
{
    private static readonly TimeSpan WellBeforeThePoll = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnAlertsNextEventGoesAsSoonAsTheOneBeforeItIsDelivered()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().Settings["Gateway:Delivery:PollInterval"] = "00:01:00");
        var first = new HeldAnswer();
        harness.Ilert.Respond = r => StepOf(r) == 1 ? first : null!;

        // The ALERT is attempted while its client waits, and ilert holds the answer; the RESOLVE is stored behind it.
        var alert = harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-wake", Ticket(4, 1));
        await first.Arrived.Task.WaitAsync(WellBeforeThePoll);
        using (var resolve = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-wake", Ticket(4, 2, closed: true)))
        {
            Assert.True(resolve.IsSuccessStatusCode, $"the RESOLVE was answered {(int)resolve.StatusCode}");
        }

        first.Answer();
        using (var answered = await alert)
        {
            Assert.True(answered.IsSuccessStatusCode, $"the ALERT was answered {(int)answered.StatusCode}");
        }

        var accepted = await harness.Ilert.WaitForAcceptedAsync(2, WellBeforeThePoll);
        Assert.Equal([1, 2], accepted.Select(StepOf));
    }

    [Fact]
    public async Task OnPostgresAnEventAnotherReplicaStoredWakesThisOne()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().WithPostgres(connectionString).Settings["Gateway:Delivery:PollInterval"] = "00:01:00");
        _ = harness.Client;
        using var other = PostgresServer.OpenAsReplica(connectionString);
        await Eventually.TrueAsync(async () => await ListenersAsync(other) == 1, "the gateway to listen for the other replicas' events", WellBeforeThePoll);
        // Let the worker settle into its long sleep (it looks once when the listener connects).
        await harness.Ilert.AssertNothingReceivedAsync(() => FakeIlert.OutboxDepthAt(harness.Management));

        // Another replica stores an event and dies before attempting it: no claim, nothing else to wake anyone.
        var outbox = new PostgresOutbox(other, new ReplicaIdentity(), Options.Create(new DeliveryOptions()));
        await outbox.EnqueueAsync(new OutboxMessage(0, "halopsa", "ilert", "halopsa-wake-1", "wake-key", "POST", "/api/events",
            new Dictionary<string, string> { ["Content-Type"] = "application/json" }, """{"summary":"step 1","alertKey":"halopsa-wake-1","eventType":"ALERT"}"""u8.ToArray(),
            DateTimeOffset.UtcNow), claimUntil: null, CancellationToken.None);

        var accepted = await harness.Ilert.WaitForAcceptedAsync(1, WellBeforeThePoll);
        Assert.Equal("halopsa-wake-1", accepted[0].Json!["alertKey"]!.GetValue<string>());
    }

    private static Task<long> ListenersAsync(PostgresDatabase database) => database.ReadAsync(connection =>
        StoreSql.ScalarAsync<long>(connection, null, $"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'", CancellationToken.None),
        CancellationToken.None);

    /// <summary>An answer that waits until the test releases it, and says when its request arrived.</summary>
    private sealed class HeldAnswer : IResult
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer() => _release.TrySetResult();

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            Arrived.TrySetResult();
            await _release.Task;
            httpContext.Response.StatusCode = StatusCodes.Status202Accepted;
        }
    }
}
