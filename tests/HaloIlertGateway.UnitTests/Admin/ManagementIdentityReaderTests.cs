using HaloIlertGateway.Admin;

namespace HaloIlertGateway.UnitTests.Admin;

/// <summary>
/// <see cref="ManagementIdentityReader"/>: configuration read into identities, every mistake said at once with the
/// setting at fault and never a token.
/// </summary>
public sealed class ManagementIdentityReaderTests
{
    private const string ShortToken = "too-short-15chr";
    private const string SharedToken = "a-token-two-users-were-given";

    [Fact]
    public void EveryMistakeIsSaidAtOnceNamingTheSettingAndNeverTheToken()
    {
        var options = new ManagementOptions
        {
            Token = SharedToken,
            Users =
            {
                ["alice"] = new() { Token = ShortToken, Role = "read" },
                ["bob"] = new() { Token = SharedToken, Role = "operate" },
                ["carol"] = new() { Token = "carols-token-is-long-enough", Role = "superuser" },
                ["dave smith"] = new() { Token = "daves-token-is-long-enough", Role = "edit" },
                ["erin"] = new() { Role = "edit" },
            },
            ProxyUsersRole = "read",
        };

        var errors = ManagementIdentityReaderKit.Errors(options);

        Assert.Contains("Gateway:Management:Users:alice:Token is shorter than 16 characters: a token needs at least 16.", errors);
        Assert.Contains("Gateway:Management:Token and Gateway:Management:Users:bob:Token are the same token: every identity needs its own (the token is not shown).", errors);
        Assert.Contains("Gateway:Management:Users:carol:Role: 'superuser' is not a role; the roles are read, operate, edit or admin.", errors);
        Assert.Contains(errors, e => e.StartsWith("Gateway:Management:Users:dave smith: 'dave smith' is not a user name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gateway:Management:Users:erin has no Token, and without Gateway:Management:TrustedProxies", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gateway:Management:ProxyUsersRole is set, but no Gateway:Management:TrustedProxies are", StringComparison.Ordinal));
        Assert.Equal(6, errors.Count);
        Assert.DoesNotContain(errors, e => e.Contains(ShortToken, StringComparison.Ordinal) || e.Contains(SharedToken, StringComparison.Ordinal));
    }

    [Fact]
    public void AUsersTokenMayBeReadFromTheEnvironmentOrAFile()
    {
        var variable = "GATEWAY_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        var file = Path.GetTempFileName();
        Environment.SetEnvironmentVariable(variable, "a-token-from-the-environment");
        File.WriteAllText(file, "a-token-from-a-mounted-file\n");
        try
        {
            var options = new ManagementOptions
            {
                Users =
                {
                    ["env-user"] = new() { Token = "env:" + variable, Role = "read" },
                    ["file-user"] = new() { Token = "file:" + file, Role = "edit" },
                },
            };

            var identities = ManagementIdentityReaderKit.Read(options, out var errors);

            Assert.Empty(errors);
            Assert.Equal(new ManagementActor("env-user", ManagementRole.Read, "10.0.0.1"), identities.Identify(ManagementIdentityReaderKit.Request("a-token-from-the-environment")));
            Assert.Equal(new ManagementActor("file-user", ManagementRole.Edit, "10.0.0.1"), identities.Identify(ManagementIdentityReaderKit.Request("a-token-from-a-mounted-file")));
            Assert.Null(identities.Identify(ManagementIdentityReaderKit.Request("env:" + variable)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            File.Delete(file);
        }
    }

    [Fact]
    public void AReferenceToNothingAndAShortTokenReadFromOneAreSaid()
    {
        var variable = "GATEWAY_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var shortVariable = "GATEWAY_TEST_SHORT_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(shortVariable, "short");
        try
        {
            var errors = ManagementIdentityReaderKit.Errors(new ManagementOptions
            {
                Users =
                {
                    ["alice"] = new() { Token = "env:" + variable, Role = "read" },
                    ["bob"] = new() { Token = "env:" + shortVariable, Role = "read" },
                    ["carol"] = new() { Token = "file:/nonexistent/carol-token", Role = "read" },
                },
            });

            Assert.Equal(
                [
                    $"Gateway:Management:Users:alice:Token is env:{variable}, and the environment variable {variable} is not set (or empty).",
                    $"Gateway:Management:Users:bob:Token is shorter than 16 characters (as read from env:{shortVariable}): a token needs at least 16.",
                    "Gateway:Management:Users:carol:Token is file:/nonexistent/carol-token, and the file /nonexistent/carol-token is missing (or empty).",
                ],
                errors);
        }
        finally
        {
            Environment.SetEnvironmentVariable(shortVariable, null);
        }
    }

    [Fact]
    public void TheShorthandsAreTheUsersAdminAndProbe()
    {
        var identities = ManagementIdentityReaderKit.Read(new ManagementOptions { Token = "the-shorthand-admin-token", ReadToken = "the-probes-read-only-token" }, out var errors);

        Assert.Empty(errors);
        Assert.Equal(new ManagementActor("admin", ManagementRole.Admin, "10.0.0.1"), identities.Identify(ManagementIdentityReaderKit.Request("the-shorthand-admin-token")));
        Assert.Equal(new ManagementActor("probe", null, "10.0.0.1"), identities.Identify(ManagementIdentityReaderKit.Request("the-probes-read-only-token")));
        Assert.True(identities.HasProbeToken);
        Assert.Null(identities.Identify(ManagementIdentityReaderKit.Request("the-shorthand-admin-tokeN")));
    }

    [Theory]
    [InlineData("local", null, null, "is the name of whoever uses a management port that takes no sign-in")]
    [InlineData("Admin", "the-shorthand-admin-token", null, "is the user Gateway:Management:Token signs in as")]
    [InlineData("probe", null, "the-probes-read-only-token", "is the identity Gateway:Management:ReadToken signs in as")]
    public void ANameTheGatewayGivesItselfIsNotAUsers(string name, string? token, string? readToken, string why)
    {
        var errors = ManagementIdentityReaderKit.Errors(new ManagementOptions
        {
            Token = token,
            ReadToken = readToken,
            Users = { [name] = new() { Token = "a-user-token-long-enough", Role = "read" } },
        });

        Assert.StartsWith($"Gateway:Management:Users:{name}: the name '{name}' {why}", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void AUserNamedAdminIsFineWithoutTheShorthand()
    {
        var identities = ManagementIdentityReaderKit.Read(new ManagementOptions { Users = { ["admin"] = new() { Token = "a-user-token-long-enough", Role = "admin" } } }, out var errors);

        Assert.Empty(errors);
        Assert.Equal(ManagementRole.Admin, identities.Identify(ManagementIdentityReaderKit.Request("a-user-token-long-enough"))!.Role);
    }

    [Fact]
    public void ProxySettingsAreCheckedToo()
    {
        var errors = ManagementIdentityReaderKit.Errors(new ManagementOptions
        {
            TrustedProxies = ["10.0.0.0/8", "proxy.internal"],
            ProxyUsersRole = "everything",
            Users =
            {
                ["jane"] = new() { Role = "edit", Email = "jane@example.com" },
                ["jane2"] = new() { Role = "read", Email = "JANE@example.com" },
                ["joe"] = new() { Role = "read", Email = "joe" },
            },
        });

        Assert.Equal(
            [
                "Gateway:Management:Users:joe:Email: 'joe' is not an email address.",
                "Gateway:Management:Users:jane:Email and Gateway:Management:Users:jane2:Email name the same address: a proxy's word for it would sign in as either.",
                "Gateway:Management:ProxyUsersRole: 'everything' is not a role; the roles are read, operate, edit or admin.",
                "Gateway:Management:TrustedProxies: 'proxy.internal' is neither an IP address nor a network in CIDR form (such as 10.0.0.0/8).",
            ],
            errors);
    }

    [Fact]
    public void NothingToSignInWithLeavesThePortOpen()
    {
        Assert.False(ManagementIdentityReaderKit.Read(new ManagementOptions(), out _).SignInRequired);
        Assert.False(ManagementIdentityReaderKit.Read(new ManagementOptions { ReadToken = "the-probes-read-only-token" }, out _).SignInRequired);
        Assert.True(ManagementIdentityReaderKit.Read(new ManagementOptions { TrustedProxies = ["10.0.0.1"], ProxyUsersRole = "read" }, out _).SignInRequired);
        Assert.True(ManagementIdentityReaderKit.Read(new ManagementOptions { Users = { ["ann"] = new() { Token = "a-user-token-long-enough", Role = "read" } } }, out _).SignInRequired);
    }
}
