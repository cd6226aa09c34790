using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Observability;

public sealed class MetricsAndHealthTests
{
    private const string Key = "il1hpsMETRICSKEY77";

    [Fact]
    public async Task ThePrometheusEndpointShowsTheCountersMovedAndNoSecret()
    {
        using var secure = new SecureRoute();
        await using var harness = await GatewayHarness.CreateAsync(new Dictionary<string, string> { ["secure"] = SecureRoute.Script }, g =>
        {
            secure.AddTo(g);
            g.Settings["Gateway:RateLimiting:Policies:per-integration-key:TokenLimit"] = "2";
            g.Settings["Gateway:RateLimiting:Policies:per-integration-key:ReplenishmentPeriod"] = "00:10:00";
        });
        const string ticket = """{"ticket":{"id":5,"summary":"s","status":{"id":1,"name":"New"}}}""";

        (await harness.PostJsonAsync($"/api/v1/events/halopsa/{Key}", ticket)).EnsureSuccessStatusCode();
        await harness.PostJsonAsync($"/api/v1/events/halopsa/{Key}", """{"not":"a ticket"}""");
        await harness.PostJsonAsync($"/api/v1/events/halopsa/{Key}", ticket); // the third: rate-limited
        (await Security.InboundAuthTests.SendAsync(harness, "ApiKey", secure.InboundKey)).EnsureSuccessStatusCode();
        await harness.Client.GetAsync("/api/alerts");

        // Counts are "moved", not exact: OpenTelemetry listens to meters by name, process-wide, and other test hosts run alongside.
        string metrics = string.Empty;
        await Eventually.TrueAsync(async () =>
        {
            metrics = await harness.Management.GetStringAsync("/metrics");
            return metrics.Contains("gateway_delivery_delivered_total", StringComparison.Ordinal);
        }, "the delivery counter to be scraped");

        Assert.Matches("""gateway_transform_runs_total\{[^}]*outcome="forwarded"[^}]*transform="halopsa"[^}]*\} [1-9]""", metrics);
        Assert.Matches("""gateway_transform_runs_total\{[^}]*outcome="failed"[^}]*transform="halopsa"[^}]*\} [1-9]""", metrics);
        Assert.Contains("gateway_transform_duration_seconds_bucket", metrics);
        // Seconds buckets: a run of tens of microseconds is not lumped into the first default (millisecond) bucket.
        Assert.Matches("""gateway_transform_duration_seconds_bucket\{[^}]*le="0.001"[^}]*\}""", metrics);
        // Which replica: the resource's service.instance.id, on Prometheus's target_info.
        var replica = (await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/cluster"))!["self"]!.GetValue<string>();
        Assert.Matches("target_info\\{[^}]*service_instance_id=\"" + System.Text.RegularExpressions.Regex.Escape(replica) + "\"", metrics);
        Assert.Matches("""aspnetcore_rate_limiting_requests_total\{[^}]*aspnetcore_rate_limiting_policy="per-integration-key"[^}]*aspnetcore_rate_limiting_result="endpoint_limiter"[^}]*\} [1-9]""", metrics);
        Assert.Contains("http_route=\"/api/v1/events/halopsa/{integrationKey}\"", metrics);
        Assert.Contains("http_client_request_duration_seconds", metrics);
        Assert.Contains("gateway_delivery_outbox_depth", metrics);
        // What the worker's look costs (bench/backlog.sh reads it): by operation, in sub-millisecond buckets.
        Assert.Matches(@"gateway_delivery_store_duration_seconds_bucket\{(?=[^}]*operation=""due"")(?=[^}]*le=""0.0005"")[^}]*\}", metrics);
        Assert.DoesNotContain(Key, metrics);
        Assert.All(secure.AllSecrets, secret => Assert.DoesNotContain(secret, metrics));
    }

    [Fact]
    public async Task ReadyzReportsTransformsOutboxAndConfigOnTheManagementPort()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        using var response = await harness.Management.GetAsync("/readyz");
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", report!["status"]!.GetValue<string>());
        Assert.Equal(["config", "outbox", "transform-versions", "transforms", "warmup"], report["checks"]!.AsObject().Select(c => c.Key).Order());
    }

    [Fact]
    public async Task ARefusedScriptMakesReadinessDegradedWhileTheLastGoodVersionServes()
    {
        await using var harness = await GatewayHarness.CreateAsync();
        _ = harness.Client;
        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "halopsa.js"), "function transform( {");

        await Eventually.TrueAsync(async () =>
            (await harness.Management.GetFromJsonAsync<JsonObject>("/readyz"))!["status"]!.GetValue<string>() == "Degraded", "readiness to show the refused script");
    }
}
