using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Scripting.Fixtures;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>HaloPSA's runbook POSTs through the real gateway and the shipped halopsa.js to the fake ilert.</summary>
public sealed class HaloPsaAlertPathTests
{
    private static readonly TransformFixtureFile Fixtures = TransformFixtureFile.Load(Path.Combine(RepositoryPaths.Transforms, "halopsa" + TransformFixtureFile.Suffix));

    [Fact]
    public async Task AClosedTicketResolvesTheAlertKeyItsNewTicketOpened()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        const string path = "/api/v1/events/halopsa/il1hps-open-close";

        (await harness.PostJsonAsync(path, Sample("new-ticket"))).EnsureSuccessStatusCode();
        (await harness.PostJsonAsync(path, Sample("ticket-closed"))).EnsureSuccessStatusCode();

        var received = await harness.Ilert.WaitForAsync(2);
        Assert.Equal(["ALERT", "RESOLVE"], received.Select(r => r.Json!["eventType"]!.GetValue<string>()));
        Assert.Equal("halopsa-10234", received[0].Json!["alertKey"]!.GetValue<string>());
        Assert.Equal(received[0].Json!["alertKey"]!.GetValue<string>(), received[1].Json!["alertKey"]!.GetValue<string>());
        Assert.All(received, r => Assert.Equal("il1hps-open-close", r.Json!["integrationKey"]!.GetValue<string>()));
    }

    [Fact]
    public async Task HaloItsmUsesTheSameTransformOnItsOwnRoute()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.PostJsonAsync("/api/v1/events/haloitsm/il1itsm-key", Sample("new-ticket"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("/api/events", received.Path);
        Assert.Equal("il1itsm-key", received.Json!["integrationKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARoutesOwnSettingsInProxyJsonReachTheScriptParsed()
    {
        // HaloITSM's own closedStatusIds, written as text with commas, replace the shared list for that route only.
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Transforms:halopsa:Routes:haloitsm:Settings:closedStatusIds"] = "1, 17");

        (await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-shared", Sample("new-ticket"))).EnsureSuccessStatusCode();
        (await harness.PostJsonAsync("/api/v1/events/haloitsm/il1itsm-own", Sample("new-ticket"))).EnsureSuccessStatusCode();

        var received = (await harness.Ilert.WaitForAsync(2)).ToDictionary(r => r.Json!["integrationKey"]!.GetValue<string>(), r => r.Json!);
        Assert.Equal(("ALERT", "halopsa-10234"), (received["il1hps-shared"]["eventType"]!.GetValue<string>(), received["il1hps-shared"]["alertKey"]!.GetValue<string>()));
        Assert.Equal(("RESOLVE", "haloitsm-10234"), (received["il1itsm-own"]["eventType"]!.GetValue<string>(), received["il1itsm-own"]["alertKey"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ADroppedEventIsAnswered202WithTheReasonAndReachesNothing()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Transforms:halopsa:Settings:ignoredTicketTypeIds:0"] = "1");

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-drop", Sample("new-ticket"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("dropped", body["status"]!.GetValue<string>());
        Assert.Contains("Incident", body["reason"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }

    [Fact]
    public async Task InvalidJsonIsA400ProblemAndNothingIsForwarded()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-bad", """{"ticket": {"id": 1,""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(response);
        Assert.Equal("urn:haloilertgateway:problem:invalid-json", problem["type"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }

    [Fact]
    public async Task AChunkedBodyIsTransformedAndSentWithItsExactLength()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Sample("new-ticket"))));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/halopsa/il1hps-chunked") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await harness.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("ALERT", received.Json!["eventType"]!.GetValue<string>());
        Assert.Null(received.Header("transfer-encoding"));
        Assert.Equal(received.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received.Header("content-length"));
    }

    [Fact]
    public async Task AMalformedTicketIsA502TransformFailedProblemWithTheScriptLine()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-malformed", """{"not":"a ticket"}""");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(response);
        Assert.Equal("urn:haloilertgateway:problem:transform-failed", problem["type"]!.GetValue<string>());
        Assert.Equal("halopsa", problem["transform"]!.GetValue<string>());
        Assert.True(problem["line"]!.GetValue<int>() > 0);
        Assert.Contains("no 'ticket' object", problem["detail"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }

    private static string Sample(string name) =>
        Fixtures.Cases.Single(c => c.Request.Body.ValueKind == JsonValueKind.Object && c.Name == SampleCases[name]).Request.Body.GetRawText();

    private static readonly Dictionary<string, string> SampleCases = new()
    {
        ["new-ticket"] = "a new critical ticket opens a HIGH alert keyed by the ticket id",
        ["ticket-closed"] = "a closed ticket resolves the alert its new ticket opened",
    };
}
