using System.Net;
using System.Text;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace HaloIlertGateway.FunctionalTests.RateLimiting;

/// <summary>
/// A per-key limit sees every made-up key as new, so alert routes are also held per client address
/// (<c>Gateway:RateLimiting:ClientPolicy</c>); the address is the connection's, or the client a configured proxy
/// names in X-Forwarded-For, never one a client names itself.
/// </summary>
public sealed class ClientPolicyTests
{
    private const string Ticket = """{"ticket":{"id":1,"summary":"s","status":{"id":1,"name":"New"}}}""";

    [Fact]
    public async Task MadeUpKeysFromOneClientMeetTheClientsLimitWhileOtherClientsGoOn()
    {
        await using var harness = await StartAsync();

        var fromAttacker = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            fromAttacker.Add((await PostAsync(harness, "203.0.113.1", forwardedFor: null, $"il1hps-made-up-{i}")).Response.StatusCode);
        }

        var limited = await PostAsync(harness, "203.0.113.1", forwardedFor: null, "il1hps-made-up-99");
        Assert.Equal([202, 202, 202, 202, 202, 429], fromAttacker);
        Assert.Contains("per-client-address", await BodyAsync(limited), StringComparison.Ordinal);
        Assert.Equal(202, (await PostAsync(harness, "203.0.113.2", forwardedFor: null, "il1hps-genuine")).Response.StatusCode);
    }

    [Fact]
    public async Task XForwardedForIsBelievedFromAConfiguredProxyOnly()
    {
        await using var harness = await StartAsync();

        // Through the proxy: the client it names is limited, another client of the proxy is not.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(202, (await PostAsync(harness, "10.0.0.1", "198.51.100.7", $"il1hps-k{i}")).Response.StatusCode);
        }

        Assert.Equal(429, (await PostAsync(harness, "10.0.0.1", "198.51.100.7", "il1hps-k9")).Response.StatusCode);
        Assert.Equal(202, (await PostAsync(harness, "10.0.0.1", "198.51.100.8", "il1hps-k10")).Response.StatusCode);

        // Not through the proxy: a client's own X-Forwarded-For changes nothing.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(202, (await PostAsync(harness, "203.0.113.5", $"198.51.100.{100 + i}", $"il1hps-s{i}")).Response.StatusCode);
        }

        Assert.Equal(429, (await PostAsync(harness, "203.0.113.5", "198.51.100.200", "il1hps-s9")).Response.StatusCode);
    }

    private static Task<GatewayHarness> StartAsync() => GatewayHarness.CreateAsync(configure: g =>
    {
        g.Settings["Gateway:RateLimiting:Policies:per-client-address:TokenLimit"] = "5";
        g.Settings["Gateway:RateLimiting:Policies:per-client-address:ReplenishmentPeriod"] = "00:10:00";
        g.Settings["Gateway:ForwardedHeaders:KnownProxies:0"] = "10.0.0.1";
    });

    /// <summary>A ticket posted as if from <paramref name="address"/> (the test server sets the connection's address).</summary>
    private static async Task<HttpContext> PostAsync(GatewayHarness harness, string address, string? forwardedFor, string key)
    {
        _ = harness.Client;
        return await harness.Gateway.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            context.Request.Method = "POST";
            context.Request.Path = "/api/v1/events/halopsa/" + key;
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(Ticket));
            if (forwardedFor is not null)
            {
                context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
    }

    private static async Task<string> BodyAsync(HttpContext context)
    {
        return await new StreamReader(context.Response.Body).ReadToEndAsync();
    }
}
