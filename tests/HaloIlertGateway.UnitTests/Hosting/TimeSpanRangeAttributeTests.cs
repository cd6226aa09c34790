using System.ComponentModel.DataAnnotations;
using System.Reflection;
using HaloIlertGateway.Hosting;

namespace HaloIlertGateway.UnitTests.Hosting;

public sealed class TimeSpanRangeAttributeTests
{
    [Theory]
    [InlineData("00:00:01", true)]
    [InlineData("00:05:00", true)]
    [InlineData("00:00:00.999", false)]
    [InlineData("00:05:00.001", false)]
    public void TheLimitsAreInclusive(string value, bool valid) =>
        Assert.Equal(valid, new TimeSpanRangeAttribute("00:00:01", "00:05:00").IsValid(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void AnUnsetValueIsLeftToOtherRules() => Assert.True(new TimeSpanRangeAttribute("00:00:01", "00:05:00").IsValid(null));

    [Fact]
    public void ItsMessageIsTheMessageOfRangeAttribute()
    {
#pragma warning disable RS0030 // the banned constructor is the reference the message is compared with
        var range = new RangeAttribute(typeof(TimeSpan), "00:00:00.100", "01:00:00");
#pragma warning restore RS0030

        Assert.Equal(range.FormatErrorMessage("Timeout"), new TimeSpanRangeAttribute("00:00:00.100", "01:00:00").FormatErrorMessage("Timeout"));
    }

    [Fact]
    public void ItsLimitsAreParsedBeforeAnyValidation()
    {
        var attribute = new TimeSpanRangeAttribute("00:00:01", "7.00:00:00");

        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)), (attribute.Minimum, attribute.Maximum));
    }

    [Fact]
    public void AMalformedLimitFailsWhereItIsWritten() =>
        Assert.Throws<FormatException>(() => new TimeSpanRangeAttribute("one second", "00:05:00"));

    /// <summary>Every range on the gateway's options has limits that validation never rewrites: numbers, or parsed once.</summary>
    [Fact]
    public void NoOptionKeepsARangeWhoseLimitsAreConvertedOnFirstUse()
    {
        var lazy = typeof(WarmupOptions).Assembly.GetTypes()
            .SelectMany(type => type.GetProperties())
            .Where(property => property.GetCustomAttribute<RangeAttribute>() is { Minimum: string } or { Maximum: string })
            .Select(property => $"{property.DeclaringType!.Name}.{property.Name}")
            .ToList();

        Assert.Empty(lazy);
    }

    [Fact]
    public void TheGatewaysTimeSpanSettingsUseIt() =>
        Assert.NotNull(typeof(WarmupOptions).GetProperty(nameof(WarmupOptions.Timeout))!.GetCustomAttribute<TimeSpanRangeAttribute>());
}
