using System.Net;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Ingest;

/// <summary>
/// Beside a transform route nothing is passed through: a request shaped around the HaloPSA route (another method,
/// an extra or empty segment, an encoded slash) is answered by the gateway, never forwarded to ilert unchecked.
/// </summary>
public sealed class AlertRouteFenceTests
{
    [Theory]
    [InlineData("PUT", "/api/v1/events/halopsa/il1hps-key", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/api/v1/events/halopsa/il1hps-key", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/api/v1/events/halopsa/il1hps-key/extra", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/events/halopsa//il1hps-key", HttpStatusCode.NotFound)]
    [InlineData("POST", "//api/v1/events/halopsa/il1hps-key", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/events/halopsa/", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/events/halopsa", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/events%2Fhalopsa%2Fil1hps-key", HttpStatusCode.NotFound)]
    [InlineData("POST", "/API/V1/EVENTS/HALOPSA/il1hps-key/x", HttpStatusCode.NotFound)]
    public async Task ARequestShapedAroundATransformRouteIsAnsweredNeverPassedThrough(string method, string path, HttpStatusCode expected)
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(harness.Client.BaseAddress!.GetLeftPart(UriPartial.Authority) + path))
        {
            Content = method == "GET" ? null : new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        });

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.MethodNotAllowed)
        {
            Assert.Equal("POST", response.Content.Headers.Allow.Single());
        }

        Assert.StartsWith("urn:haloilertgateway:problem:", (await GatewayHarness.ReadProblemAsync(response))["type"]!.GetValue<string>(), StringComparison.Ordinal);
        // The route itself is untouched: a genuine alert goes through, and it is all that reached ilert.
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1);
        Assert.Single(harness.Ilert.Received);
    }

    [Theory]
    [InlineData("/api/v1/events/mail/some-key")]
    [InlineData("/api/v1/incidents")]
    [InlineData("/api/v1/events/halopsa-other/key")]
    public async Task OtherIlertPathsArePassedThroughAsBefore(string path)
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.PostJsonAsync(path, "{}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(path, Assert.Single(await harness.Ilert.WaitForAsync(1)).PathAndQuery);
    }
}
