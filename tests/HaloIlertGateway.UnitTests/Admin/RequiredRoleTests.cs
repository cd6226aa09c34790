using HaloIlertGateway.Admin;
using Microsoft.AspNetCore.Http;

namespace HaloIlertGateway.UnitTests.Admin;

/// <summary><see cref="RequiredRole"/>: the one allow-list of what each management request needs.</summary>
public sealed class RequiredRoleTests
{
    [Theory]
    [InlineData("GET", "/_gateway/deadletters", ManagementRole.Read)]
    [InlineData("GET", "/_gateway/transforms/halopsa/source", ManagementRole.Read)]
    [InlineData("HEAD", "/_gateway/transforms", ManagementRole.Read)]
    [InlineData("GET", "/_gateway/something-new", ManagementRole.Read)]
    [InlineData("POST", "/_gateway/transforms/halopsa/test", ManagementRole.Read)]
    [InlineData("post", "/_GATEWAY/Transforms/halopsa/TEST", ManagementRole.Read)]
    [InlineData("POST", "/_gateway/deadletters/7/replay", ManagementRole.Operate)]
    [InlineData("POST", "/_gateway/deadletters/replay", ManagementRole.Operate)]
    [InlineData("DELETE", "/_gateway/deadletters/7", ManagementRole.Operate)]
    [InlineData("DELETE", "/_gateway/deadletters", ManagementRole.Operate)]
    [InlineData("POST", "/_gateway/deliveries/3/replay", ManagementRole.Operate)]
    [InlineData("DELETE", "/_gateway/outbox/3", ManagementRole.Operate)]
    [InlineData("DELETE", "/_gateway/keys/refused", ManagementRole.Operate)]
    [InlineData("PUT", "/_gateway/transforms/halopsa/source", ManagementRole.Edit)]
    [InlineData("POST", "/_gateway/transforms/halopsa/versions", ManagementRole.Edit)]
    [InlineData("POST", "/_gateway/transforms/halopsa/rollback", ManagementRole.Edit)]
    [InlineData("PUT", "/_gateway/transforms/halopsa/test", ManagementRole.Edit)]
    [InlineData("POST", "/_gateway/transforms/halopsa/test/more", ManagementRole.Edit)]
    [InlineData("POST", "/_gateway/transforms//test", ManagementRole.Edit)]
    [InlineData("POST", "/_gateway/transforms/test", ManagementRole.Edit)]
    [InlineData("POST", "/_gateway/deadlettersx/7/replay", ManagementRole.Admin)]
    [InlineData("POST", "/_gateway/x/../deadletters/replay", ManagementRole.Admin)]
    [InlineData("DELETE", "/_gateway/requests", ManagementRole.Admin)]
    [InlineData("POST", "/_gateway/settings", ManagementRole.Admin)]
    [InlineData("PUT", "/", ManagementRole.Admin)]
    public void EachRequestNeedsTheRoleTheAllowListGivesIt(string method, string path, ManagementRole needed) =>
        Assert.Equal(needed, RequiredRole.For(method, new PathString(path)));

    [Fact]
    public void EachRoleMayDoWhatTheRolesBelowItMay()
    {
        var roles = Enum.GetValues<ManagementRole>();

        Assert.Equal([ManagementRole.Read, ManagementRole.Operate, ManagementRole.Edit, ManagementRole.Admin], roles.Order());
        Assert.Equal("read, operate, edit or admin", ManagementRoleNames.Choices);
    }

    [Theory]
    [InlineData("read", ManagementRole.Read)]
    [InlineData("Operate", ManagementRole.Operate)]
    [InlineData(" EDIT ", ManagementRole.Edit)]
    [InlineData("admin", ManagementRole.Admin)]
    public void ARoleIsNamedInAnyCase(string text, ManagementRole role)
    {
        Assert.True(ManagementRoleNames.TryParse(text, out var parsed));
        Assert.Equal(role, parsed);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("superuser")]
    [InlineData("")]
    [InlineData(null)]
    public void ANumberOrAnotherWordIsNoRole(string? text) => Assert.False(ManagementRoleNames.TryParse(text, out _));
}
