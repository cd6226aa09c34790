using System.Net;
using System.Net.Http.Headers;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Security;

/// <summary>The shipped alert routes refuse oversized, non-JSON and non-UTF-8 bodies before any script runs; nothing is forwarded.</summary>
public sealed class InputLimitTests
{
    private const string AlertPath = "/api/v1/events/halopsa/il1hps-limits";

    [Fact]
    public async Task ATwoMegabyteBodyIsA413Problem()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        var body = """{"ticket":{"id":1,"details":" """ + new string('x', 2 * 1024 * 1024) + "\"}}";

        using var response = await harness.PostJsonAsync(AlertPath, body);

        await AssertRefusedAsync(harness, response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Theory]
    [InlineData("text/plain", "ticket 1 is broken")]
    [InlineData("application/x-www-form-urlencoded", "id=1&summary=broken")]
    public async Task ANonJsonBodyOnTheJsonOnlyAlertRouteIsA415Problem(string contentType, string body)
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.PostAsync(AlertPath, body, contentType);

        await AssertRefusedAsync(harness, response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task InvalidUtf8IsA400Problem()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        using var content = new ByteArrayContent([.. "{\"ticket\":{\"id\":1,\"summary\":\""u8, 0xC3, 0x28, .. "\"}}"u8]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await harness.Client.PostAsync(AlertPath, content);

        await AssertRefusedAsync(harness, response, HttpStatusCode.BadRequest, "invalid-encoding");
    }

    [Fact]
    public async Task TheBodyLimitIsSetPerRoute()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["ReverseProxy:Routes:halopsa:Metadata:MaxRequestBodyBytes"] = "2048");

        using var response = await harness.PostJsonAsync(AlertPath, """{"ticket":{"id":1,"details":" """ + new string('x', 4096) + "\"}}");

        await AssertRefusedAsync(harness, response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    private static async Task AssertRefusedAsync(GatewayHarness harness, HttpResponseMessage response, HttpStatusCode status, string kind)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("urn:haloilertgateway:problem:" + kind, (await GatewayHarness.ReadProblemAsync(response))["type"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }
}
