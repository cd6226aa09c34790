using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// The alert that must get through whatever else arrives: a HaloPSA ticket on the key ilert knows. The fake ilert
/// answers as ilert does for a key that has no alert source: 404.
/// </summary>
public static class GenuineAlerts
{
    public const string Key = "il1hps-genuine-0f3c";

    public static string Path(string key = Key) => "/api/v1/events/halopsa/" + key;

    /// <summary>ilert as it is: the genuine key's events accepted, any other key answered 404 (no such alert source).</summary>
    public static IResult? AsIlert(RecordedRequest request) =>
        request.Json?["integrationKey"]?.GetValue<string>() == Key
            ? null
            : Results.Json(new { status = 404, message = "No alert source for this integration key", code = "NOT_FOUND" }, statusCode: StatusCodes.Status404NotFound);

    /// <summary>Posts ticket <paramref name="ticket"/> on the genuine key: answered 2xx, and at the fake ilert within <paramref name="within"/> of the post.</summary>
    public static async Task<TimeSpan> PostAndAwaitDeliveryAsync(GatewayHarness harness, int ticket, TimeSpan? within = null)
    {
        var posted = DateTimeOffset.UtcNow;
        using var response = await harness.PostJsonAsync(Path(), """{"ticket":{"id":""" + ticket + ""","summary":"genuine","status":{"id":1,"name":"New"}}}""");
        Assert.True(response.IsSuccessStatusCode, $"the genuine alert {ticket} was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var alertKey = "halopsa-" + ticket;
        await Eventually.TrueAsync(() => harness.Ilert.Accepted.Any(r => r.Json?["alertKey"]?.GetValue<string>() == alertKey), $"the genuine alert {ticket} at ilert", within ?? TimeSpan.FromSeconds(10));
        return harness.Ilert.Accepted.First(r => r.Json?["alertKey"]?.GetValue<string>() == alertKey).ReceivedAt - posted;
    }

    /// <summary>The gateway's delivery summary (GET /_gateway/delivery).</summary>
    public static async Task<JsonObject> DeliveryAsync(GatewayHarness harness)
    {
        using var response = await harness.Management.GetAsync("/_gateway/delivery");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
