using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

public sealed class DurableDeliveryTests
{
    [Fact]
    public async Task EventsSentWhileIlertIsDownFailingAndRateLimitingAllArriveInOrderPerTicketOnceItRecovers()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        var phase = "down";
        harness.Ilert.Respond = _ => phase switch
        {
            "down" => FakeIlert.Unreachable,
            "500" => Results.StatusCode(500),
            "429" => new RetryAfter(),
            _ => null!,
        };
        var statuses = new List<HttpStatusCode>();
        var sent = 0;

        // 20 tickets, 5 events each (four ALERTs, then the RESOLVE), interleaved across tickets.
        for (var step = 1; step <= 5; step++)
        {
            for (var ticket = 1; ticket <= 20; ticket++)
            {
                phase = sent < 40 ? "down" : sent < 70 ? "500" : "429";
                using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-outage", Ticket(ticket, step, closed: step == 5));
                statuses.Add(response.StatusCode);
                sent++;
            }
        }

        phase = "up";
        harness.Ilert.Respond = null;
        var accepted = await harness.Ilert.WaitForAcceptedAsync(100, TimeSpan.FromSeconds(60));

        Assert.All(statuses, status => Assert.True((int)status is >= 200 and < 300, $"answered {status}"));
        Assert.Equal(100, accepted.Count);
        foreach (var ticket in accepted.GroupBy(r => r.Json!["alertKey"]!.GetValue<string>()))
        {
            Assert.Equal([1, 2, 3, 4, 5], ticket.Select(StepOf));
            Assert.Equal(["ALERT", "ALERT", "ALERT", "ALERT", "RESOLVE"], ticket.Select(r => r.Json!["eventType"]!.GetValue<string>()));
        }

        // The fake counts an event when it answers; the gateway records the delivery when the answer has arrived.
        JsonObject stats = [];
        await Eventually.TrueAsync(async () =>
        {
            stats = (await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/delivery"))!;
            return stats["delivered"]!.GetValue<long>() >= 100;
        }, "the last delivery to be recorded");
        Assert.Equal(0, stats["outboxDepth"]!.GetValue<long>());
        Assert.Equal(100, stats["delivered"]!.GetValue<long>());
        Assert.True(stats["retried"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task AnEventReadWholeIsStoredAndDeliveredEvenWhenItsClientHasGoneAway()
    {
        // TestServer never cancels RequestAborted, so the hang-up is a request context whose token is cancelled already:
        // the key's class is read and the event stored and sent all the same (the client may send it again; ilert
        // deduplicates by alertKey), never dropped on the way.
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        _ = harness.Client;
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        var http = new DefaultHttpContext { RequestServices = harness.Gateway.Services, RequestAborted = gone.Token };
        http.Response.Body = new MemoryStream();
        var route = new HaloIlertGateway.Ingest.IngestRoute("halopsa", "halopsa", "ilert", 1 << 20, HaloIlertGateway.Ingest.BodyFormats.All, Durable: true, new HashSet<string>());
        var empty = new Dictionary<string, string>();
        var original = new HaloIlertGateway.Scripting.IncomingRequest("POST", "/api/v1/events/halopsa/il1hps-gone", empty, empty,
            new Dictionary<string, string> { ["integrationKey"] = "il1hps-gone" }, HaloIlertGateway.Scripting.TransformBody.None);
        var changed = new HaloIlertGateway.Scripting.OutgoingRequest("/api/events", empty, empty, """{"summary":"gone","alertKey":"gone-1"}"""u8.ToArray(), BodyIsJson: true, IntegrationKey: "il1hps-gone");

        // Only the answer to the client that went away cannot be written.
        var answering = await Record.ExceptionAsync(() =>
            harness.Gateway.Services.GetRequiredService<HaloIlertGateway.Ingest.DurableIngest>().AcceptAsync(http, route, original, changed, DateTimeOffset.UtcNow));
        Assert.True(answering is null or OperationCanceledException, $"{answering}");

        var delivered = Assert.Single(await harness.Ilert.WaitForAcceptedAsync(1));
        Assert.Equal("gone-1", delivered.Json!["alertKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task WhenIlertAnswersAtOnceTheClientGetsIlertsAnswer()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-direct", Ticket(1, 1));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("NEW_INCIDENT_CREATED", (await response.Content.ReadFromJsonAsync<JsonObject>())!["responseCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task AFourHundredFromIlertIsReturnedAsSentAndNotRetried()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        harness.Ilert.Respond = _ => Results.Json(new { status = 400, message = "no open alert for this key", code = "BAD_REQUEST" }, statusCode: 400);

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-400", Ticket(1, 5, closed: true));
        await Task.Delay(300); // several retry periods: a retry would show up

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no open alert for this key", await response.Content.ReadAsStringAsync());
        Assert.Single(harness.Ilert.Received);
        Assert.Equal(0, (await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/delivery"))!["outboxDepth"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnEventOlderThanMaxAgeBecomesADeadLetterThatReplaysWhenIlertIsBack()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries().Settings["Gateway:Delivery:MaxAge"] = "00:00:01");
        harness.Ilert.Respond = _ => FakeIlert.Unreachable;

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-expire", Ticket(7, 1));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deadLetter = await WaitForDeadLetterAsync(harness);

        Assert.Equal("expired", deadLetter["kind"]!.GetValue<string>());
        Assert.Contains("/api/events", deadLetter["path"]!.GetValue<string>());
        harness.Ilert.Respond = null;
        using var replay = await harness.Management.PostAsync($"/_gateway/deadletters/{deadLetter["id"]}/replay", null);
        Assert.Equal("queued", (await replay.Content.ReadFromJsonAsync<JsonObject>())!["outcome"]!.GetValue<string>());
        var delivered = Assert.Single(await harness.Ilert.WaitForAcceptedAsync(1));
        Assert.Equal("halopsa-7", delivered.Json!["alertKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATransformFailureIsADeadLetterThatIsDeliveredAfterTheScriptIsFixedAndItIsReplayed()
    {
        const string broken = """function transform(request, context) { if (!request.body.mappable) { throw new Error("cannot map this ticket"); } return request; }""";
        const string fixedScript = """function transform(request, context) { request.body = { mapped: true, key: request.params.integrationKey }; return request; }""";
        await using var harness = await GatewayHarness.CreateAsync(new Dictionary<string, string> { ["fragile"] = broken }, g =>
        {
            g.WithFastRetries().WithTransformRoute("fragile", "fragile");
        });

        using var failed = await harness.PostJsonAsync(TestRoutes.PathOf("fragile", "il1hps-fragile"), """{"mappable":false}""");
        var problem = await GatewayHarness.ReadProblemAsync(failed);
        var id = problem["deadLetter"]!.GetValue<long>();
        var listed = await harness.Management.GetFromJsonAsync<JsonObject>($"/_gateway/deadletters/{id}");
        Assert.Equal("transform-failed", listed!["kind"]!.GetValue<string>());
        Assert.DoesNotContain("il1hps-fragile", listed.ToJsonString());

        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, "fragile.js"), fixedScript);
        await Eventually.TrueAsync(async () => (await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/transforms/fragile"))!["version"]!.GetValue<int>() == 2, "the fixed script to go live");
        using var replay = await harness.Management.PostAsync($"/_gateway/deadletters/{id}/replay", null);

        Assert.Equal("queued", (await replay.Content.ReadFromJsonAsync<JsonObject>())!["outcome"]!.GetValue<string>());
        var delivered = Assert.Single(await harness.Ilert.WaitForAcceptedAsync(1));
        Assert.Equal("""{"mapped":true,"key":"il1hps-fragile"}""", delivered.BodyText);
        Assert.Empty((await harness.Management.GetFromJsonAsync<JsonArray>("/_gateway/deadletters"))!);
    }

    [Fact]
    public async Task ALaterDeliveryLogsUnderTheTraceIdOfTheRequestThatQueuedIt()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g =>
        {
            g.WithFastRetries();
            g.Settings["Serilog:MinimumLevel:Override:HaloIlertGateway"] = "Information";
            g.Settings["Serilog:MinimumLevel:Override:Serilog.AspNetCore"] = "Information";
        });
        harness.Ilert.Respond = _ => FakeIlert.Unreachable;

        using var response = await harness.PostJsonAsync("/api/v1/events/halopsa/il1hps-trace", Ticket(3, 1));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        harness.Ilert.Respond = null;
        await harness.Ilert.WaitForAcceptedAsync(1);

        var events = harness.Gateway.Logs.Events.ToList();
        await Eventually.TrueAsync(() => (events = [.. harness.Gateway.Logs.Events]).Any(e => e.MessageTemplate.Text.Contains("delivered", StringComparison.Ordinal)), "the delivery to be logged");
        var requestLog = events.Single(e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal) && e.Properties["RequestPath"].ToString().Contains("/halopsa/", StringComparison.Ordinal));
        var delivered = events.Single(e => e.MessageTemplate.Text.Contains("delivered", StringComparison.Ordinal));
        Assert.NotNull(requestLog.TraceId);
        Assert.Equal(requestLog.TraceId, delivered.TraceId);
    }

    private static async Task<JsonObject> WaitForDeadLetterAsync(GatewayHarness harness)
    {
        JsonArray? list = null;
        await Eventually.TrueAsync(async () => (list = await harness.Management.GetFromJsonAsync<JsonArray>("/_gateway/deadletters"))!.Count > 0, "a dead letter", TimeSpan.FromSeconds(15));
        return list![0]!.AsObject();
    }

    /// <summary>429 with Retry-After: 1, as ilert answers beyond its per-minute limits.</summary>
    private sealed class RetryAfter : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = 429;
            httpContext.Response.Headers.RetryAfter = "1";
            return Task.CompletedTask;
        }
    }
}
