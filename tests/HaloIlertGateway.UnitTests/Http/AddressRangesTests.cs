using System.Net;
using HaloIlertGateway.Http;

namespace HaloIlertGateway.UnitTests.Http;

/// <summary><see cref="AddressRanges"/>: addresses and CIDR networks in one list, as configuration writes them.</summary>
public sealed class AddressRangesTests
{
    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5", true)]
    [InlineData("10.0.0.5", "10.0.0.6", false)]
    [InlineData("10.0.0.0/8", "10.255.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.1/8", "10.9.9.9", true)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("::ffff:10.0.0.5", "10.0.0.5", true)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "10.0.0.1", false)]
    [InlineData("::1", "::1", true)]
    [InlineData(" 127.0.0.1 ", "127.0.0.1", true)]
    public void AnAddressIsTheNetworkOfItselfAndANetworkHoldsItsAddresses(string entry, string address, bool contained)
    {
        var errors = new List<string>();

        var ranges = AddressRanges.Parse([entry], "Test:Proxies", errors);

        Assert.Empty(errors);
        Assert.Equal(contained, ranges.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("proxy.internal")]
    [InlineData("")]
    public void AnEntryThatIsNeitherIsSaidWithItsSetting(string entry)
    {
        var errors = new List<string>();

        var ranges = AddressRanges.Parse([entry, "10.0.0.0/8"], "Test:Proxies", errors);

        Assert.StartsWith($"Test:Proxies: '{entry}' is neither an IP address nor a network in CIDR form", Assert.Single(errors), StringComparison.Ordinal);
        Assert.True(ranges.Contains(IPAddress.Parse("10.1.1.1")));
    }

    [Fact]
    public void NoRangesHoldNoAddress()
    {
        Assert.True(AddressRanges.None.IsEmpty);
        Assert.False(AddressRanges.None.Contains(IPAddress.Loopback));
        Assert.False(AddressRanges.Parse(["0.0.0.0/0"], "x", []).Contains(null));
    }
}
