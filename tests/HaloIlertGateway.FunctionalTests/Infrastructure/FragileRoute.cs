using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// A durable route whose transform fails on <c>{"ok": false}</c>: each such request becomes a <c>transform-failed</c>
/// dead letter, which replays once the script is fixed.
/// </summary>
public static class FragileRoute
{
    public const string Name = "fragile";

    private const string Script = """function transform(request, context) { if (!request.body.ok) { throw new Error("not mappable yet"); } return request; }""";

    /// <summary>Adds the route and its script (before the gateway starts).</summary>
    public static GatewayFactory WithFragileRoute(this GatewayFactory gateway)
    {
        File.WriteAllText(Path.Combine(gateway.TransformsDirectory, Name + ".js"), Script);
        return gateway.WithTransformRoute(Name, Name);
    }

    /// <summary>Posts a request the script fails on, on <paramref name="integrationKey"/>; returns the dead letter's id.</summary>
    public static async Task<long> PostDeadLetterAsync(this GatewayHarness harness, string integrationKey)
    {
        using var response = await harness.PostJsonAsync(TestRoutes.PathOf(Name, integrationKey), """{"ok":false}""");
        return (await GatewayHarness.ReadProblemAsync(response))["deadLetter"]!.GetValue<long>();
    }

    /// <summary>Replaces the script by one that forwards every request, and waits until it serves (version 2).</summary>
    public static async Task FixFragileRouteAsync(this GatewayHarness harness)
    {
        File.WriteAllText(Path.Combine(harness.Gateway.TransformsDirectory, Name + ".js"), """function transform(request, context) { request.body = { fixed: true }; return request; }""");
        await Eventually.TrueAsync(async () => (await harness.Management.GetFromJsonAsync<JsonObject>($"/_gateway/transforms/{Name}"))!["version"]!.GetValue<int>() == 2, "the fixed script");
    }
}
