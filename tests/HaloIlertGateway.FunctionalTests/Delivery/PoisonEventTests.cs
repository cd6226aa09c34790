using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// No event can hold its alert back: a durable route stores only the client headers it needs (content type, trace
/// context) besides what the transform sets, and a stored event that no retry could send is a dead letter at once.
/// </summary>
public sealed class PoisonEventTests
{
    [Fact]
    public async Task ANonAsciiClientHeaderIsNotStoredSoNeitherItsEventNorTheNextIsHeldBack()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());

        foreach (var (step, closed) in ((int, bool)[])[(1, false), (2, true)])
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/halopsa/il1hps-poison")
            {
                Content = new StringContent(Ticket(42, step, closed), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("X-Note", "café");
            using var response = await harness.Client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        }

        var accepted = await harness.Ilert.WaitForAcceptedAsync(2);
        Assert.Equal(["ALERT", "RESOLVE"], accepted.Select(r => r.Json!["eventType"]!.GetValue<string>()));
        Assert.All(accepted, r => Assert.False(r.Headers.ContainsKey("x-note")));
    }

    [Fact]
    public async Task AStoredEventThatCannotBeSentIsADeadLetterAtOnceAndItsAlertsNextEventGoesOn()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        _ = harness.Client;
        var store = harness.Gateway.Services.GetRequiredService<IOutbox>();
        var now = DateTimeOffset.UtcNow;

        // As an outbox written by an earlier version could hold it: a header no HTTP client can send.
        await store.EnqueueAsync(Event("ALERT", new Dictionary<string, string> { ["content-type"] = "application/json", ["x-note"] = "café" }, now), claimUntil: null, CancellationToken.None);
        await store.EnqueueAsync(Event("RESOLVE", new Dictionary<string, string> { ["content-type"] = "application/json" }, now), claimUntil: null, CancellationToken.None);
        harness.Gateway.Services.GetRequiredService<DeliveryWorker>().Wake();

        var delivered = Assert.Single(await harness.Ilert.WaitForAcceptedAsync(1));
        Assert.Equal("RESOLVE", delivered.Json!["eventType"]!.GetValue<string>());
        var dead = Assert.Single((await harness.Management.GetFromJsonAsync<JsonArray>("/_gateway/deadletters"))!);
        Assert.Equal("unsendable", dead!["kind"]!.GetValue<string>());
        Assert.Contains("x-note", dead["reason"]!.GetValue<string>());
        Assert.Single(harness.Ilert.Received);
    }

    [Fact]
    public async Task IlertsAnswerReachesAWaitingClientReadableWhateverItAskedFor()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.WithFastRetries());
        harness.Ilert.Respond = request => request.Headers.GetValueOrDefault("accept-encoding", "").Contains("gzip", StringComparison.Ordinal)
            ? new Gzipped("""{"alertKey":"fake","responseCode":"NEW_INCIDENT_CREATED"}""")
            : null!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/halopsa/il1hps-gzip")
        {
            Content = new StringContent(Ticket(7, 1), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");

        using var response = await harness.Client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = response.Content.Headers.ContentEncoding.Contains("gzip")
            ? new StreamReader(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)).ReadToEnd()
            : Encoding.UTF8.GetString(bytes);
        Assert.Equal("NEW_INCIDENT_CREATED", JsonNode.Parse(text)!["responseCode"]!.GetValue<string>());
        Assert.Equal("identity", Assert.Single(harness.Ilert.Received).Headers["accept-encoding"]);
    }

    private static OutboxMessage Event(string eventType, Dictionary<string, string> headers, DateTimeOffset now) =>
        new(0, "halopsa", "ilert", "poison-alert", "poison-key", "POST", "/api/events", headers,
            Encoding.UTF8.GetBytes($$"""{"integrationKey":"il1hps-poison","eventType":"{{eventType}}","summary":"s","alertKey":"poison"}"""), now);

    /// <summary>ilert answering in gzip, as a server does when the client accepts it.</summary>
    private sealed class Gzipped(string json) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status202Accepted;
            httpContext.Response.ContentType = "application/json";
            httpContext.Response.Headers.ContentEncoding = "gzip";
            await using var gzip = new GZipStream(httpContext.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(json));
        }
    }
}
