using HaloIlertGateway.Admin;
using static HaloIlertGateway.UnitTests.Admin.ManagementIdentityReaderKit;

namespace HaloIlertGateway.UnitTests.Admin;

/// <summary>
/// <see cref="ManagementIdentities.Identify"/>: a bearer token's owner, else the person a trusted proxy names, with the
/// role of their entry, else the proxy users' role, else none; a proxy's headers from any other address count for nothing.
/// </summary>
public sealed class ManagementIdentitiesTests
{
    private const string AliceToken = "alices-token-long-enough";

    private static readonly ManagementIdentities Identities = Read(new ManagementOptions
    {
        TrustedProxies = ["10.0.0.0/8", "192.0.2.7"],
        Users =
        {
            ["alice"] = new() { Token = AliceToken, Role = "read" },
            ["jane"] = new() { Role = "edit", Email = "jane@example.com" },
            ["Ops.Bot"] = new() { Role = "operate" },
        },
    }, out _);

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("192.0.2.7")]
    public void APersonATrustedProxyNamesSignsInWithTheirEntrysRole(string proxy) =>
        Assert.Equal(new ManagementActor("Ops.Bot", ManagementRole.Operate, ManagementActor.AddressOf(System.Net.IPAddress.Parse(proxy))),
            Identities.Identify(Request(null, proxy, ("X-Forwarded-User", "ops.bot"))));

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("192.0.2.8")]
    [InlineData("127.0.0.1")]
    public void WhatAProxysHeadersSayFromAnyOtherAddressIsIgnored(string from)
    {
        Assert.Null(Identities.Identify(Request(null, from, ("X-Forwarded-User", "alice"))));
        Assert.Null(Identities.Identify(Request(null, from, ("X-Forwarded-Email", "jane@example.com"))));
    }

    [Fact]
    public void AnEntryIsFoundByItsEmailInAnyCase()
    {
        Assert.Equal("jane", Identities.Identify(Request(null, "10.0.0.9", ("X-Forwarded-User", "00u1abcd"), ("X-Forwarded-Email", "Jane@Example.com")))!.Name);
        Assert.Equal(ManagementRole.Edit, Identities.Identify(Request(null, "10.0.0.9", ("X-Forwarded-Email", "JANE@example.com")))!.Role);
    }

    [Fact]
    public void APersonWithoutAnEntryHasTheProxyUsersRoleOrNone()
    {
        var withRole = Read(new ManagementOptions { TrustedProxies = ["10.0.0.0/8"], ProxyUsersRole = "read" }, out _);

        Assert.Equal(new ManagementActor("zoe@example.com", ManagementRole.Read, "10.0.0.9"), withRole.Identify(Request(null, "10.0.0.9", ("X-Forwarded-Email", "zoe@example.com"))));
        Assert.Equal(new ManagementActor("zoe", null, "10.0.0.9"), Identities.Identify(Request(null, "10.0.0.9", ("X-Forwarded-User", "zoe"))));
    }

    [Fact]
    public void ATokenIsBelievedBeforeAProxysWordAndAnUnknownOneFallsBackToIt()
    {
        Assert.Equal("alice", Identities.Identify(Request(AliceToken, "10.0.0.9", ("X-Forwarded-User", "jane")))!.Name);
        Assert.Equal("jane", Identities.Identify(Request("a-proxys-own-id-token", "10.0.0.9", ("X-Forwarded-User", "jane")))!.Name);
        Assert.Equal("alice", Identities.Identify(Request(AliceToken, "203.0.113.9"))!.Name);
        Assert.Null(Identities.Identify(Request("a-proxys-own-id-token", "203.0.113.9")));
    }

    [Fact]
    public void TwoNamesOrAnEmptyOneNameNobody()
    {
        Assert.Null(Identities.Identify(Request(null, "10.0.0.9", ("X-Forwarded-User", "jane"), ("X-Forwarded-User", "alice"))));
        Assert.Null(Identities.Identify(Request(null, "10.0.0.9", ("X-Forwarded-User", "  "))));
        Assert.Null(Identities.Identify(Request(null, "10.0.0.9", ("X-Forwarded-User", new string('a', 257)))));
    }
}
