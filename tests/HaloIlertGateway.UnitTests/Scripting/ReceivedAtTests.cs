using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary><c>context.receivedAt</c> is what <c>toISOString()</c> gives for the arrival time.</summary>
public sealed class ReceivedAtTests
{
    [Theory]
    [InlineData("2026-11-28T09:14:03.217+00:00")]
    [InlineData("2026-01-02T03:04:05.000+00:00")]
    [InlineData("0001-01-01T00:00:00.001+00:00")]
    [InlineData("9999-12-31T23:59:59.999+00:00")]
    [InlineData("2026-11-28T10:14:03.217+01:00")]
    public void ItIsUtcWithMillisecondsAsToIsoStringWritesIt(string time)
    {
        var at = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), TransformEngine.IsoUtc(at));
    }
}
