using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Observability;

/// <summary>One trace from the webhook to ilert: ingest, transform, outbox write and every delivery attempt.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task AQueuedEventsSpansFromIngestToItsLaterAttemptShareTheRequestsTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "HaloIlertGateway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        var failOnce = true;
        harness.Ilert.Respond = _ => failOnce ? Microsoft.AspNetCore.Http.Results.StatusCode(503) : null!;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/halopsa/il1hps-traced")
        {
            Content = new StringContent(Ticket(11, 1), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await harness.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        failOnce = false;
        harness.Ilert.Respond = null;
        await harness.Ilert.WaitForAcceptedAsync(1);

        await Eventually.TrueAsync(() => spans.Count(s => s.OperationName == "delivery.attempt") >= 2, "the worker's attempt span");
        var names = spans.Select(s => s.OperationName).ToList();
        Assert.Contains("ingest", names);
        Assert.Contains("transform", names);
        Assert.Contains("outbox.write", names);
        var ingest = spans.Single(s => s.OperationName == "ingest");
        Assert.All(spans.Where(s => s.OperationName is "transform" or "outbox.write"), span => Assert.Equal(ingest.SpanId, span.ParentSpanId));
    }
}
