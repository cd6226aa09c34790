using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Postgres;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>ilert's limits held across replicas: two pacers on one database, as two gateways would be.</summary>
public sealed class PostgresPacerTests
{
    // A window far longer than the test takes, even on a loaded machine: what is counted is how many sends it grants.
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly DeliveryOptions Limits = new() { RatePerMinutePerKey = 5, PacingWindow = TimeSpan.FromSeconds(30), PacingMargin = TimeSpan.Zero, MaxSendsPerWindow = 7 };

    [Fact]
    public async Task TwoReplicasTogetherSendNoMoreThanTheLimitPerKeyInAWindow()
    {
        var (first, second) = await TwoReplicasAsync();

        var grants = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? first : second).TryAcquireAsync("key-a", probation: false, None).AsTask()));

        Assert.Equal(5, grants.Count(granted => granted));
        Assert.True(await first.NextTurnAsync("key-a", probation: false, None) > DateTimeOffset.UtcNow.AddSeconds(20), "the next turn is when the first send leaves the window");
    }

    [Fact]
    public async Task TheBudgetAcrossAllKeysHoldsAcrossReplicasAndAnotherKeyIsNotHeldUpByOne()
    {
        var (first, second) = await TwoReplicasAsync();

        var grants = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => (i % 2 == 0 ? first : second).TryAcquireAsync($"key-{i % 3}", probation: false, None).AsTask()));

        Assert.Equal(7, grants.Count(granted => granted));
    }

    [Fact]
    public async Task A429SeenByOneReplicaPausesTheKeyForAll()
    {
        var (first, second) = await TwoReplicasAsync();

        await first.PauseAsync("key-a", TimeSpan.FromMinutes(1), None);

        Assert.False(await second.TryAcquireAsync("key-a", probation: false, None));
        Assert.True(await second.NextTurnAsync("key-a", probation: false, None) > DateTimeOffset.UtcNow.AddSeconds(50));
        Assert.True(await second.TryAcquireAsync("key-b", probation: false, None));
    }

    private static async Task<(PostgresPacer, PostgresPacer)> TwoReplicasAsync()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        return (Replica(connectionString), Replica(connectionString));
    }

    private static PostgresPacer Replica(string connectionString) =>
        new(PostgresServer.OpenAsReplica(connectionString), Options.Create(Limits), TimeProvider.System);
}
