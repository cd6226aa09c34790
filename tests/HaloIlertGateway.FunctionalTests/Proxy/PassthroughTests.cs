using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Proxy;

public sealed class PassthroughTests
{
    [Fact]
    public async Task AGetWithAuthorizationAndQueryReachesIlertUnchanged()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/alerts?states=PENDING&max-results=5");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "user-api-key-123");
        request.Headers.Add("X-Custom", "kept");

        using var response = await harness.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("GET", received.Method);
        Assert.Equal("/api/alerts?states=PENDING&max-results=5", received.PathAndQuery);
        Assert.Equal("Bearer user-api-key-123", received.Header("authorization"));
        Assert.Equal("kept", received.Header("x-custom"));
        Assert.Empty(received.Body);
    }

    [Fact]
    public async Task APutWithABodyReachesIlertByteForByte()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        var body = """{"summary":"Maintenance – Wartung ✓","status":"RESOLVED"}""";

        using var response = await harness.Client.PutAsync("/api/alerts/42", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("PUT", received.Method);
        Assert.Equal("/api/alerts/42", received.PathAndQuery);
        Assert.Equal("application/json; charset=utf-8", received.Header("content-type"));
        Assert.Equal(Encoding.UTF8.GetBytes(body), received.Body);
    }

    [Fact]
    public async Task ABodyLargerThanTheTransformBufferLimitStreamsThroughThePassthroughRoute()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Scripting:MaxBodyBytes"] = "4096");
        var body = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(body);

        using var response = await harness.Client.PostAsync("/api/attachments", new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal(body, received.Body);
    }

    [Fact]
    public async Task AnAlertSourcePathWithoutATransformIsForwardedAsIs()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.PostJsonAsync("/api/v1/events/email/il1eml-passthrough", """{"a":1}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("/api/v1/events/email/il1eml-passthrough", received.PathAndQuery);
        Assert.Equal("""{"a":1}""", received.BodyText);
    }

    [Fact]
    public async Task IlertsAnswerComesBackToTheClient()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        harness.Ilert.Respond = _ => Microsoft.AspNetCore.Http.Results.Json(new { status = 404, message = "no such alert" }, statusCode: 404);

        using var response = await harness.Client.GetAsync("/api/alerts/999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no such alert", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthzAnswersOnThePublicPortWithoutCallingIlert()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await harness.AssertNothingSentAsync();
    }
}
