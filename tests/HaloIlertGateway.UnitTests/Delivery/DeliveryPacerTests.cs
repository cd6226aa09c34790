using HaloIlertGateway.Delivery;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HaloIlertGateway.UnitTests.Delivery;

/// <summary>The pacer keeps ilert's limit exactly: a burst of N at once, never more than N in any rolling window, per key.</summary>
public sealed class DeliveryPacerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private static (DeliveryPacer Pacer, FakeTimeProvider Time) Create(int perKey = 50, int overall = 700)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new DeliveryOptions { RatePerMinutePerKey = perKey, PacingWindow = Window, PacingMargin = TimeSpan.Zero, MaxSendsPerWindow = overall });
        return (new DeliveryPacer(options, time), time);
    }

    [Fact]
    public void ABurstOfTheLimitGoesAtOnceAndTheNextWaitsForTheFirstToLeaveTheWindow()
    {
        var (pacer, time) = Create();
        var start = time.GetUtcNow();

        Assert.All(Enumerable.Range(0, 50), _ => Assert.True(pacer.TryAcquire("key", probation: false)));
        Assert.False(pacer.TryAcquire("key", probation: false));
        Assert.Equal(start + Window, pacer.NextTurn("key", probation: false));

        time.Advance(Window - TimeSpan.FromMilliseconds(1));
        Assert.False(pacer.TryAcquire("key", probation: false));
        time.Advance(TimeSpan.FromMilliseconds(1));
        // The whole first burst has left the window: another burst of 50 may go.
        Assert.Equal(50, Enumerable.Range(0, 60).Count(_ => pacer.TryAcquire("key", probation: false)));
    }

    [Fact]
    public void NoRollingWindowEverHoldsMoreThanTheLimitAcross300Events()
    {
        var (pacer, time) = Create();
        var random = new Random(42);
        var sends = new List<DateTimeOffset>();
        while (sends.Count < 300)
        {
            if (pacer.TryAcquire("key", probation: false))
            {
                sends.Add(time.GetUtcNow());
            }
            else
            {
                // Sometimes straight to the next turn, sometimes a little before or after it.
                var turn = pacer.NextTurn("key", probation: false);
                time.SetUtcNow(turn + TimeSpan.FromMilliseconds(random.Next(-500, 3_000)) is var at && at > time.GetUtcNow() ? at : turn);
            }
        }

        for (var i = 0; i + 50 < sends.Count; i++)
        {
            Assert.True(sends[i + 50] - sends[i] >= Window, $"sends {i} and {i + 50} are {(sends[i + 50] - sends[i]).TotalSeconds} s apart");
        }

        // And it is not slower than the limit: 300 events in at most six windows (plus the random lateness).
        Assert.True(sends[^1] - sends[0] < 6 * Window + TimeSpan.FromMinutes(1), $"took {sends[^1] - sends[0]}");
    }

    [Fact]
    public void TheMarginLengthensTheWindowTheGatewayCounts()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var pacer = new DeliveryPacer(Options.Create(new DeliveryOptions { RatePerMinutePerKey = 1, PacingWindow = Window, PacingMargin = TimeSpan.FromSeconds(1) }), time);
        Assert.True(pacer.TryAcquire("key", probation: false));

        time.Advance(Window);
        Assert.False(pacer.TryAcquire("key", probation: false));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(pacer.TryAcquire("key", probation: false));
    }

    [Fact]
    public void AnotherKeyIsNeverHeldUp()
    {
        var (pacer, _) = Create();
        Assert.All(Enumerable.Range(0, 50), _ => Assert.True(pacer.TryAcquire("busy", probation: false)));

        Assert.False(pacer.TryAcquire("busy", probation: false));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.True(pacer.TryAcquire("quiet", probation: false)));
    }

    [Fact]
    public void TheBudgetAcrossAllKeysHoldsToo()
    {
        var (pacer, time) = Create(perKey: 50, overall: 120);
        var sent = Enumerable.Range(0, 5).Sum(key => Enumerable.Range(0, 50).Count(_ => pacer.TryAcquire("key" + key, probation: false)));

        Assert.Equal(120, sent);
        Assert.False(pacer.TryAcquire("fresh", probation: false));
        time.Advance(Window);
        Assert.True(pacer.TryAcquire("fresh", probation: false));
    }

    [Fact]
    public void A429PausesItsKeyForRetryAfterAndNoOtherKey()
    {
        var (pacer, time) = Create();
        Assert.True(pacer.TryAcquire("limited", probation: false));

        pacer.Pause("limited", TimeSpan.FromSeconds(30));

        Assert.False(pacer.TryAcquire("limited", probation: false));
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(30), pacer.NextTurn("limited", probation: false));
        Assert.True(pacer.TryAcquire("other", probation: false));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(pacer.TryAcquire("limited", probation: false));
    }

    [Fact]
    public async Task ThroughTheAsyncContractTheInMemoryPacerAnswersAtOnceAndAsItsOwnMembersDo()
    {
        var (pacer, time) = Create(perKey: 1);
        IDeliveryPacer contract = pacer;

        var acquired = contract.TryAcquireAsync("key", probation: false, CancellationToken.None);
        Assert.True(acquired.IsCompletedSuccessfully, "memory needs no await");
        Assert.True(await acquired);
        Assert.False(await contract.TryAcquireAsync("key", probation: false, CancellationToken.None));
        Assert.Equal(pacer.NextTurn("key", probation: false), await contract.NextTurnAsync("key", probation: false, CancellationToken.None));

        await contract.PauseAsync("other", TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(30), await contract.NextTurnAsync("other", probation: false, CancellationToken.None));
        Assert.Equal(pacer.NextProbationTurn(), await contract.NextProbationTurnAsync(CancellationToken.None));
    }
}
