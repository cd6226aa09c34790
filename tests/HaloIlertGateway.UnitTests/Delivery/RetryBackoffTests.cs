using HaloIlertGateway.Delivery;

namespace HaloIlertGateway.UnitTests.Delivery;

public sealed class RetryBackoffTests
{
    private static readonly DeliveryOptions Settings = new()
    {
        InitialBackoff = TimeSpan.FromSeconds(2),
        MaxBackoff = TimeSpan.FromMinutes(5),
        RateLimitedBackoff = TimeSpan.FromSeconds(15),
    };

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 4)]
    [InlineData(3, 16)]
    [InlineData(7, 256)]
    [InlineData(8, 300)]
    [InlineData(1000, 300)]
    public void FailuresWaitTwiceAsLongEachTimeUpToTheCapWithJitterOfHalfToAll(int attempts, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds / 2), RetryBackoff.Next(attempts, Failed(503), Settings, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(seconds * 0.75), RetryBackoff.Next(attempts, Failed(503), Settings, random: 0.5));
        Assert.True(RetryBackoff.Next(attempts, Failed(null), Settings, random: 0.999999) < TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void IlertsRetryAfterIsHonouredWithALittleJitterOnTop()
    {
        var result = Failed(503) with { RetryAfter = TimeSpan.FromSeconds(42) };

        Assert.Equal(TimeSpan.FromSeconds(43), RetryBackoff.Next(5, result, Settings, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(44), RetryBackoff.Next(5, result, Settings, random: 1));
    }

    [Fact]
    public void ABare429WaitsIlertsSuggestedPauseGiveOrTakeAQuarter()
    {
        Assert.Equal(TimeSpan.FromSeconds(15 * 1.0), RetryBackoff.Next(0, Failed(429), Settings, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(15 * 1.25), RetryBackoff.Next(9, Failed(429), Settings, random: 1));
    }

    [Fact]
    public void ARetryAfterOfZeroOrInThePastFallsBackToTheExponentialWait()
    {
        var result = Failed(503) with { RetryAfter = TimeSpan.FromSeconds(-3) };

        Assert.Equal(TimeSpan.FromSeconds(4), RetryBackoff.Next(2, result, Settings, random: 0));
    }

    [Fact]
    public void AnAttemptThatMayStillLandWaitsAtLeastTheSettleTime()
    {
        var abandoned = Failed(null) with { MayStillLand = true };

        Assert.Equal(TimeSpan.FromSeconds(30), RetryBackoff.Next(0, abandoned, Settings, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryBackoff.Next(0, abandoned, Settings, random: 0.999));
    }

    [Fact]
    public void ALongerBackoffThanTheSettleTimeIsKept()
    {
        var abandoned = Failed(null) with { MayStillLand = true };

        Assert.Equal(TimeSpan.FromSeconds(128), RetryBackoff.Next(7, abandoned, Settings, random: 0));
    }

    [Fact]
    public void AFailureThatCannotLandLaterKeepsItsBackoff() =>
        Assert.Equal(TimeSpan.FromSeconds(1), RetryBackoff.Next(0, Failed(null), Settings, random: 0));

    [Fact]
    public void ASettleTimeOfZeroLeavesTheBackoffAlone() =>
        Assert.Equal(TimeSpan.FromSeconds(1), RetryBackoff.Next(0, Failed(null) with { MayStillLand = true }, new DeliveryOptions
        {
            InitialBackoff = Settings.InitialBackoff, MaxBackoff = Settings.MaxBackoff, AbandonedAttemptSettle = TimeSpan.Zero,
        }, random: 0));

    private static DeliveryResult Failed(int? status) => new(DeliveryOutcome.Retry, status, [], null, null, status is null ? "unreachable" : $"ilert answered {status}");
}
