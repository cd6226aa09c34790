using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Delivery;

internal static class DeliveryTestSettings
{
    /// <summary>
    /// Retries in tens of milliseconds and a pace that does not hold the test up, unless it sets its own. No settle time
    /// after an abandoned attempt: the fake's dropped connection is one (AbandonedAttemptTests sets its own).
    /// </summary>
    public static GatewayFactory WithFastRetries(this GatewayFactory gateway, int ratePerMinute = 60_000)
    {
        gateway.Settings["Gateway:Delivery:InitialBackoff"] = "00:00:00.050";
        gateway.Settings["Gateway:Delivery:MaxBackoff"] = "00:00:00.300";
        gateway.Settings["Gateway:Delivery:RateLimitedBackoff"] = "00:00:00.200";
        gateway.Settings["Gateway:Delivery:PollInterval"] = "00:00:00.050";
        gateway.Settings["Gateway:Delivery:AbandonedAttemptSettle"] = "00:00:00";
        gateway.Settings["Gateway:Delivery:RatePerMinutePerKey"] = ratePerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        gateway.Settings["Gateway:Delivery:MaxSendsPerWindow"] = "1000000";
        return gateway;
    }

    /// <summary>ilert's own limits (50 a minute per key, 700 across keys), on top of <see cref="WithFastRetries"/>.</summary>
    public static GatewayFactory WithIlertLimits(this GatewayFactory gateway)
    {
        gateway.Settings["Gateway:Delivery:RatePerMinutePerKey"] = "50";
        gateway.Settings["Gateway:Delivery:MaxSendsPerWindow"] = "700";
        return gateway;
    }

    /// <summary>The shared store: PostgreSQL at <paramref name="connectionString"/>, given as a secret file like a Kubernetes secret.</summary>
    public static GatewayFactory WithPostgres(this GatewayFactory gateway, string connectionString)
    {
        var file = Path.Combine(gateway.ContentRoot, "postgres-connection");
        File.WriteAllText(file, connectionString);
        gateway.Settings["Gateway:Store:Provider"] = "Postgres";
        gateway.Settings["Gateway:Store:ConnectionString"] = "file:" + file;
        return gateway;
    }

    /// <summary>The status of readiness's outbox check (<c>Healthy</c>, <c>Unhealthy</c>).</summary>
    public static async Task<string> OutboxCheckAsync(this GatewayHarness harness)
    {
        using var response = await harness.Management.GetAsync("/readyz");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["checks"]!["outbox"]!["status"]!.GetValue<string>();
    }

    /// <summary>A HaloPSA ticket body; <paramref name="step"/> goes into the summary so order can be read back.</summary>
    public static string Ticket(int id, int step, bool closed = false) =>
        "{\"ticket\":{\"id\":" + id + ",\"summary\":\"step " + step + "\",\"status\":" + (closed ? "{\"id\":9,\"name\":\"Closed\"}" : "{\"id\":1,\"name\":\"New\"}") + "}}";

    /// <summary>The step a delivered event carries (its summary is "#id step N").</summary>
    public static int StepOf(RecordedRequest request) => int.Parse(request.Json!["summary"]!.GetValue<string>().Split("step ")[1], System.Globalization.CultureInfo.InvariantCulture);
}
