using System.ComponentModel.DataAnnotations;
using HaloIlertGateway.Security;

namespace HaloIlertGateway.UnitTests.Security;

/// <summary><see cref="OutboundAuthSettings"/>' rules: every problem of every credential reported together, with its name.</summary>
public sealed class OutboundAuthSettingsTests
{
    [Fact]
    public void EveryProblemOfEveryCredentialIsReportedWithItsName()
    {
        var settings = new OutboundAuthSettings();
        settings.Named["halo"] = new OutboundAuthOptions
        {
            TokenUrl = "/auth/token",
            ClientSecret = "pasted-secret-value",
            RefreshBefore = TimeSpan.FromHours(2),
            ExtraForm = { ["client_secret"] = "x" },
        };
        settings.Named["other"] = new OutboundAuthOptions { TokenUrl = "ftp://tokens.example/", ClientId = "id", ClientSecret = "env:X", Timeout = TimeSpan.Zero };

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        var messages = results.Select(r => r.ErrorMessage!).ToList();

        Assert.Contains(messages, m => m.StartsWith("Gateway:OutboundAuth:halo: TokenUrl must be an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains("Gateway:OutboundAuth:halo: ClientId is required.", messages);
        Assert.Contains(messages, m => m.StartsWith("Gateway:OutboundAuth:halo: ClientSecret is not a secret reference", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Gateway:OutboundAuth:halo: The field RefreshBefore must be between", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Gateway:OutboundAuth:halo: ExtraForm may not set 'client_secret'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Gateway:OutboundAuth:other: TokenUrl must be", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Gateway:OutboundAuth:other: The field Timeout must be between", StringComparison.Ordinal));
        Assert.All(messages, m => Assert.DoesNotContain("pasted-secret-value", m, StringComparison.Ordinal));
    }

    [Fact]
    public void AHostedHaloPsaCredentialIsValid()
    {
        var settings = new OutboundAuthSettings();
        settings.Named["halo"] = new OutboundAuthOptions
        {
            TokenUrl = "https://contoso.halopsa.com/auth/token?tenant=contoso",
            ClientId = "gateway",
            ClientSecret = "file:/run/secrets/halo_client_secret",
            Scope = "all",
        };

        Assert.True(Validator.TryValidateObject(settings, new ValidationContext(settings), [], validateAllProperties: true));
    }
}
