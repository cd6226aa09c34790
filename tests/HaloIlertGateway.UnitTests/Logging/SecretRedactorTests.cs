using System.Text.RegularExpressions;
using HaloIlertGateway.Logging;

namespace HaloIlertGateway.UnitTests.Logging;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("/api/v1/events/halopsa/il1hpsSECRET", "/api/v1/events/halopsa/***")]
    [InlineData("POST https://api.ilert.com/api/v1/events/email/KEY123?x=1 took 3 ms", "POST https://api.ilert.com/api/v1/events/email/***?x=1 took 3 ms")]
    [InlineData("/api/events/zendesk/KEY/extra", "/api/events/zendesk/***/extra")]
    [InlineData("/API/V1/EVENTS/HaloPSA/KEY", "/API/V1/EVENTS/HaloPSA/***")]
    [InlineData("/api/v1/heartbeats/il1hbt-KEY", "/api/v1/heartbeats/***")]
    [InlineData("/api//v1/events/halopsa/KEY", "/api//v1/events/halopsa/***")]
    [InlineData("/api/v1/events%2Fhalopsa%2FKEY", "/api/v1/events%2Fhalopsa%2F***")]
    [InlineData("/api/v1/events%2fhalopsa%2fKEY%2fmore", "/api/v1/events%2fhalopsa%2f***%2fmore")]
    [InlineData("/api/v2/events/halopsa/KEY", "/api/v2/events/halopsa/***")]
    [InlineData("/api/v1/events/halopsa//KEY", "/api/v1/events/halopsa//***")]
    [InlineData("/api;x/v1/events;y/halopsa;z/KEY;w", "/api;x/v1/events;y/halopsa;z/***;w")]
    [InlineData("\\api\\v1\\events\\halopsa\\KEY", "\\api\\v1\\events\\halopsa\\***")]
    [InlineData("/api/events", "/api/events")]
    [InlineData("/api/alerts?states=PENDING", "/api/alerts?states=PENDING")]
    [InlineData("/api/alerts?integrationKey=il1hpsK&x=1", "/api/alerts?integrationKey=***&x=1")]
    [InlineData("GET /x?a=1&API_TOKEN=abc%20d took 2 ms", "GET /x?a=1&API_TOKEN=*** took 2 ms")]
    [InlineData("/x?keyboard=us&monkey=1", "/x?keyboard=***&monkey=***")]
    public void AnIntegrationKeyInAnAlertSourcePathIsMasked(string text, string expected) =>
        Assert.Equal(expected, SecretRedactor.Redact(text));

    [Fact]
    public void AMaskThatTimedOutOnceIsTriedAgain()
    {
        // A pause of the whole process (a garbage collection, a crowded machine) can outlast a match's timeout.
        var attempts = 0;

        var masked = SecretRedactor.WithinTimeout(() => ++attempts == 1 ? throw new RegexMatchTimeoutException() : "/hooks/***/ticket");

        Assert.Equal("/hooks/***/ticket", masked);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public void ATextWhoseMaskKeepsTimingOutIsWithheldNeverShown()
    {
        // Catastrophic backtracking: every attempt runs into its timeout.
        var pathological = new Regex("(?<keep>(a+)+)b", RegexOptions.None, TimeSpan.FromMilliseconds(1));
        var text = "/hooks/SECRETVALUE " + new string('a', 40);

        var masked = SecretRedactor.WithinTimeout(() => pathological.Replace(text, "***"));

        Assert.Equal(SecretRedactor.Withheld, masked);
    }

    [Theory]
    [InlineData("/hooks/SECRETVALUE/ticket", "/hooks/***/ticket")]
    [InlineData("GET /HOOKS//SECRETVALUE;v=1/ticket took 2 ms", "GET /HOOKS//***;v=1/ticket took 2 ms")]
    [InlineData("/hooks%2FSECRETVALUE", "/hooks%2F***")]
    [InlineData("/tenant/acme/alerts/SECRETVALUE", "/tenant/acme/alerts/***")]
    [InlineData("/other/SECRETVALUE", "/other/SECRETVALUE")]
    public void AKeyIsMaskedWhereARoutesTemplatePutsIt(string text, string expected)
    {
        SecretRedactor.LearnRouteTemplates(["/hooks/{integrationKey}/ticket", "/tenant/{tenant}/alerts/{apiToken:regex(^[a-z]+$)}", "/public/{**rest}"]);

        Assert.Equal(expected, SecretRedactor.Redact(text));
    }

    [Theory]
    [InlineData("/custom/api/v1/events/halopsa/SECRETVALUE", "/custom/api/v1/events/halopsa/***")]
    [InlineData("/api/v1/events/halopsa/SECRETVALUE/extra/TOKENVALUE", "/api/v1/events/halopsa/***/extra/***")]
    [InlineData("/API//v1/events%2Fhalopsa/SECRETVALUE/extra%2FTOKENVALUE", "/API//v1/events%2Fhalopsa/***/extra%2F***")]
    public void TemplatesOfIlertsShapeAndTemplatesThatGoBeyondItAreMaskedAlike(string text, string expected)
    {
        // The first is masked by the built-in pattern alone (nothing is learnt for it); the second has a secret the
        // built-in pattern does not reach, so its template is learnt.
        SecretRedactor.LearnRouteTemplates(["/custom/api/v1/events/{tool}/{integrationKey}", "/api/v1/events/halopsa/{integrationKey}/extra/{apiToken}"]);

        Assert.Equal(expected, SecretRedactor.Redact(text));
    }

    [Fact]
    public void KnownSecretValuesAreMaskedWherEverTheyAppear() =>
        Assert.Equal("key *** in a message, and *** again", SecretRedactor.Redact("key il1hps-abc in a message, and il1hps-abc again", ["il1hps-abc"]));

    [Theory]
    [InlineData("IL1HPS-ABC/Q+R")]
    [InlineData("il1hps-abc/q+r")]
    [InlineData("il1hps-aBc%2Fq%2Br")]
    [InlineData("IL1HPS-ABC%2fQ%2bR")]
    public void ASecretIsMaskedInItsCaseVariantsAndUrlEncodedForms(string derived) =>
        Assert.Equal("failed for *** here", SecretRedactor.Redact($"failed for {derived} here", ["il1hps-aBc/q+r"]));

    [Fact]
    public void TextWithoutSecretsIsReturnedAsTheSameInstance()
    {
        const string text = "nothing to hide here";

        Assert.Same(text, SecretRedactor.Redact(text, ["il1hps-abc"]));
    }
}
