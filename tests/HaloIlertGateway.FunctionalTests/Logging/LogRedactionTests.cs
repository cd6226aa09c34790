using HaloIlertGateway.Logging;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Logging;

/// <summary>With every category logging at Verbose, a known integration key appears in no log event and no error body.</summary>
public sealed class LogRedactionTests
{
    private const string Key = "il1hpsTOPSECRETKEY42";

    private const string LeakyScript = """
        function transform(request, context) {
          context.log("handling key", request.params.integrationKey, "at", request.path);
          console.log({ key: request.params.integrationKey });
          if (request.body.fail) { throw new Error("cannot handle " + request.params.integrationKey); }
          if (request.body.drop) { return context.drop("dropped for " + request.params.integrationKey); }
          request.body = { integrationKey: request.params.integrationKey };
          return request;
        }
        """;

    [Fact]
    public async Task NoSecretOfTheEdgePoliciesAppearsInLogsErrorBodiesOrManagementResponses()
    {
        using var secure = new SecureRoute();
        await using var harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["secure"] = SecureRoute.Script },
            g =>
            {
                secure.AddTo(g);
                g.Settings["ReverseProxy:Routes:secure:RateLimiterPolicy"] = "per-integration-key";
                g.Settings["Gateway:RateLimiting:Policies:per-integration-key:PartitionBy"] = "header:X-Api-Key";
                g.Settings["Gateway:RateLimiting:Policies:per-integration-key:TokenLimit"] = "3";
                // No token comes back during the test, however slowly a loaded machine sends the seven requests.
                g.Settings["Gateway:RateLimiting:Policies:per-integration-key:ReplenishmentPeriod"] = "00:10:00";
                g.LogEverything();
            });
        var bodies = new List<string>();

        // Accepted, rotated, wrong, missing, then the first key until its bucket of 3 is empty.
        foreach (var credential in new[] { secure.InboundKey, secure.RotatedInboundKey, secure.InboundKey + "-wrong", null, secure.InboundKey, secure.InboundKey, secure.InboundKey })
        {
            using var response = await Security.InboundAuthTests.SendAsync(harness, "ApiKey", credential);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        bodies.Add(await harness.Management.GetStringAsync("/_gateway/transforms"));
        bodies.Add(await harness.Management.GetStringAsync("/_gateway/transforms/secure"));
        await harness.Gateway.DisposeAsync();

        var logs = harness.Gateway.Logs.AllText;
        Assert.Contains("forwarding with ***", logs); // the script logged its secret, masked
        Assert.Contains("rate-limited", string.Join('\n', bodies)); // the burst reached the limiter
        Assert.Equal(4, harness.Ilert.Received.Count);
        foreach (var secret in secure.AllSecrets)
        {
            Assert.DoesNotContain(secret, logs);
            Assert.All(bodies, body => Assert.DoesNotContain(secret, body));
        }
    }

    [Fact]
    public async Task AKeyInANonCanonicalSpellingOfAPathOrWhereARouteTemplatePutsItAppearsInNoLogAndNoManagementResponse()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.Settings["ReverseProxy:Routes:hooks:ClusterId"] = "ilert";
            g.Settings["ReverseProxy:Routes:hooks:Match:Path"] = "/hooks/{integrationKey}/ticket";
            g.LogEverything();
        });

        foreach (var path in (string[])[$"/api//v1/events/halopsa/{Key}", $"/api/v1/events%2Fhalopsa%2F{Key}", $"/api/v2/events/halopsa/{Key}",
            $"/API/V1/EVENTS/HALOPSA/{Key};x=1", $"/hooks/{Key}/ticket", $"/hooks//{Key}/ticket"])
        {
            using var response = await harness.Client.PostAsync(new Uri(harness.Client.BaseAddress!.GetLeftPart(UriPartial.Authority) + path), new StringContent("{}"));
        }

        var requests = await harness.Management.GetStringAsync("/_gateway/requests");
        await harness.Gateway.DisposeAsync();

        var listed = System.Text.Json.Nodes.JsonNode.Parse(requests)!.AsArray().Select(r => r!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(6, listed.Count);
        Assert.All(listed, path => Assert.Contains(SecretRedactor.Mask, path));
        Assert.DoesNotContain(Key, harness.Gateway.Logs.AllText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Key, requests, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheIntegrationKeyAppearsInNoLogEventAndNoErrorBody()
    {
        await using var harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["leaky"] = LeakyScript },
            g =>
            {
                g.WithTransformRoute("leaky", "leaky");
                g.LogEverything();
            });
        var bodies = new List<string>();

        async Task Send(Func<Task<HttpResponseMessage>> send)
        {
            using var response = await send();
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        await Send(() => harness.PostJsonAsync($"/api/v1/events/halopsa/{Key}", """{"ticket":{"id":1,"summary":"s","status":{"id":1,"name":"New"}}}"""));
        await Send(() => harness.PostJsonAsync($"/api/v1/events/halopsa/{Key}", """{"not":"a ticket"}"""));
        await Send(() => harness.PostJsonAsync($"/api/v1/events/halopsa/{Key}", "{broken"));
        await Send(() => harness.PostJsonAsync($"/api/v1/events/email/{Key}?source=test", """{"a":1}"""));
        await Send(() => harness.PostJsonAsync($"/api/alerts?integrationKey={Key}&source=test", """{"a":3}"""));
        await Send(() => harness.Client.GetAsync($"/api/v1/heartbeats/{Key}"));
        await Send(() => harness.PostJsonAsync(TestRoutes.PathOf("leaky", Key), """{"fail":false}"""));
        await Send(() => harness.PostJsonAsync(TestRoutes.PathOf("leaky", Key), """{"fail":true}"""));
        await Send(() => harness.PostJsonAsync(TestRoutes.PathOf("leaky", Key), """{"drop":true}"""));
        harness.Ilert.Respond = _ => Microsoft.AspNetCore.Http.Results.StatusCode(500);
        await Send(() => harness.PostJsonAsync($"/api/v1/events/email/{Key}", """{"a":2}"""));
        await harness.Gateway.DisposeAsync();

        var logs = harness.Gateway.Logs.AllText;
        Assert.Contains("Proxying to", logs); // YARP's own line with the target URL was captured ...
        Assert.Contains("Request starting", logs); // ... and ASP.NET Core's hosting line ...
        Assert.Contains("responded", logs); // ... and Serilog's request log ...
        Assert.Contains("handling key", logs); // ... and the script's own log lines ...
        Assert.Contains("/api/v1/events/email/***", logs); // ... with the key masked.
        Assert.Contains("integrationKey=***&source=test", logs); // ... and in a query string too.
        Assert.DoesNotContain(Key, logs);
        Assert.All(bodies, body => Assert.DoesNotContain(Key, body));
        Assert.Contains(bodies, body => body.Contains("cannot handle ***", StringComparison.Ordinal));
    }
}
