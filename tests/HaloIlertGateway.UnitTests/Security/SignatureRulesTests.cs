using System.Text;
using HaloIlertGateway.Security;
using Microsoft.AspNetCore.Http;

namespace HaloIlertGateway.UnitTests.Security;

/// <summary><see cref="SignatureCheck"/> on its own, against the senders' documented examples.</summary>
public sealed class SignatureRulesTests
{
    [Fact]
    public void ZendeskSignsTheTimestampFollowedByTheBody()
    {
        // Zendesk's webhook docs: base64(HMAC-SHA256(secret, TIMESTAMP + BODY)). Secret, body and timestamp are from
        // Zendesk's verification example; the signature was computed apart from this code (Python's hmac module).
        var check = new InboundAuthOptions { Kind = InboundAuthKind.ZendeskSignature, TimestampTolerance = TimeSpan.FromMinutes(5) };
        var headers = new HeaderDictionary
        {
            ["X-Zendesk-Webhook-Signature"] = "Rry/4TtIdFyawtXXp8QdI6tlAUUQ/5kL1OTp5qo/ZIk=",
            ["X-Zendesk-Webhook-Signature-Timestamp"] = "2021-07-25T10:00:00Z",
        };
        var at = DateTimeOffset.Parse("2021-07-25T10:02:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(SignatureCheck.Verify(check, headers, """{"say": "hello"}"""u8, ["HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA="], at).IsValid);
        Assert.Contains("more than 00:05:00 from now", SignatureCheck.Verify(check, headers, """{"say": "hello"}"""u8, ["HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA="], at.AddMinutes(10)).Reason);
    }

    [Fact]
    public void AutotasksDocumentedFormIsSha1InBase64WithItsPrefix()
    {
        var check = new InboundAuthOptions { Kind = InboundAuthKind.AutotaskSignature };
        var body = """{"Action":"Create","Guid":"3b1e","EntityType":"Ticket","Id":7806}"""u8.ToArray();
#pragma warning disable CA5350 // Autotask signs with HMAC-SHA1: the sender chooses the algorithm.
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData("autotask-secret"u8, body));
#pragma warning restore CA5350

        Assert.True(SignatureCheck.Verify(check, new HeaderDictionary { ["X-Hook-Signature"] = "sha1=" + signature }, body, ["autotask-secret"], DateTimeOffset.UtcNow).IsValid);
        Assert.Contains("not in the form sha1=<base64>", SignatureCheck.Verify(check, new HeaderDictionary { ["X-Hook-Signature"] = "sha1=%%%" }, body, ["autotask-secret"], DateTimeOffset.UtcNow).Reason);
    }

    [Fact]
    public void AHubSignatureNeedsTheSha256Prefix()
    {
        var check = new InboundAuthOptions { Kind = InboundAuthKind.HubSignature };
        var body = Encoding.UTF8.GetBytes("{}");
        var hex = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("hub"u8, body));

        Assert.True(SignatureCheck.Verify(check, new HeaderDictionary { ["X-Hub-Signature"] = "sha256=" + hex }, body, ["hub"], DateTimeOffset.UtcNow).IsValid);
        Assert.False(SignatureCheck.Verify(check, new HeaderDictionary { ["X-Hub-Signature"] = hex }, body, ["hub"], DateTimeOffset.UtcNow).IsValid);
        Assert.Equal("X-Hub-Signature-256", new InboundAuthOptions { Kind = InboundAuthKind.HubSignature, Header = "X-Hub-Signature-256" }.CredentialHeader);
    }

    [Fact]
    public void NoSecretVerifiesNothing()
    {
        var check = new InboundAuthOptions { Kind = InboundAuthKind.HubSignature };
        var hex = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(""u8, "{}"u8));

        Assert.Contains("does not match", SignatureCheck.Verify(check, new HeaderDictionary { ["X-Hub-Signature"] = "sha256=" + hex }, "{}"u8, [], DateTimeOffset.UtcNow).Reason);
    }
}
