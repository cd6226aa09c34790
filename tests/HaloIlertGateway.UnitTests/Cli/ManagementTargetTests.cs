using HaloIlertGateway.Cli;

namespace HaloIlertGateway.UnitTests.Cli;

/// <summary>Where the CLI finds a running gateway's management port, and which token it sends.</summary>
public sealed class ManagementTargetTests
{
    [Fact]
    public void WithNothingSetTheManagementPortIsTheDefaultOnLoopback()
    {
        Assert.Equal(new Uri("http://127.0.0.1:5081/"), ManagementTarget.Root(_ => null));
    }

    [Fact]
    public void TheFirstConfiguredManagementAddressIsReachedOnLoopback()
    {
        var root = ManagementTarget.Root(Environment(("Gateway__Management__Urls", "http://+:8081;http://127.0.0.1:9091")));

        Assert.Equal(new Uri("http://127.0.0.1:8081/"), root);
    }

    [Fact]
    public void ANamedUsersTokenWinsOverTheSharedOne()
    {
        Assert.Equal(("alice-token", "GATEWAY_TOKEN"), ManagementTarget.Token(Environment(("GATEWAY_TOKEN", "alice-token"), ("Gateway__Management__Token", "shared-token"))));
        Assert.Equal(("shared-token", "Gateway__Management__Token"), ManagementTarget.Token(Environment(("GATEWAY_TOKEN", ""), ("Gateway__Management__Token", "shared-token"))));
        Assert.Equal((null, null), ManagementTarget.Token(_ => null));
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
