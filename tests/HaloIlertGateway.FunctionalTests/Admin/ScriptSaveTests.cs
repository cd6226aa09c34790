using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Admin;

/// <summary>Saving an edited script from the operator page: only behind a token, and only a version that would go live.</summary>
public sealed class ScriptSaveTests
{
    private const string Token = "operator-token-for-save-tests";

    [Fact]
    public async Task WithoutATokenSavingIsNotOffered()
    {
        await using var harness = await GatewayHarness.CreateAsync();

        Assert.False((await harness.Management.GetFromJsonAsync<JsonObject>("/_gateway/info"))!["canSave"]!.GetValue<bool>());
        using var response = await harness.Management.PutAsync("/_gateway/transforms/halopsa/source", new StringContent("function transform(r) { return r; }"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task InAClusterSavingIsOffAndSaysWhereTransformsChange()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var harness = await GatewayHarness.CreateAsync(configure: g => Delivery.DeliveryTestSettings.WithPostgres(g, connectionString).Settings["Gateway:Management:Token"] = Token);
        var path = Path.Combine(harness.Gateway.TransformsDirectory, "halopsa.js");
        var before = File.ReadAllText(path);

        using (var info = Authorized(HttpMethod.Get, "/_gateway/info"))
        using (var answer = await harness.Management.SendAsync(info))
        {
            Assert.False((await answer.Content.ReadFromJsonAsync<JsonObject>())!["canSave"]!.GetValue<bool>());
        }

        using var response = await SaveAsync(harness, "function transform(request, context) { return request; }");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("ConfigMap", (await GatewayHarness.ReadProblemAsync(response))["detail"]!.GetValue<string>());
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Fact]
    public async Task AScriptThatFailsItsFixturesIsNotSavedAndTheFileStaysAsItWas()
    {
        await using var harness = await GatewayHarness.CreateAsync(configure: g => g.Settings["Gateway:Management:Token"] = Token);
        var path = Path.Combine(harness.Gateway.TransformsDirectory, "halopsa.js");
        var before = File.ReadAllText(path);

        using var response = await SaveAsync(harness, "function transform(request, context) {\n  return request;\n}\n");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("fixture case(s) failed", (await GatewayHarness.ReadProblemAsync(response))["detail"]!.GetValue<string>());
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Fact]
    public async Task AGoodScriptIsSavedAndGoesLive()
    {
        await using var harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["plain"] = "function transform(request, context) { request.body = { v: 1 }; return request; }" },
            g => g.Settings["Gateway:Management:Token"] = Token);
        _ = harness.Client;

        using var response = await SaveAsync(harness, "function transform(request, context) { request.body = { v: 2 }; return request; }", "plain");

        response.EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () =>
        {
            using var request = Authorized(HttpMethod.Get, "/_gateway/transforms/plain");
            using var status = await harness.Management.SendAsync(request);
            return (await status.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>() == 2;
        }, "the saved script to go live");
    }

    private static async Task<HttpResponseMessage> SaveAsync(GatewayHarness harness, string script, string name = "halopsa")
    {
        using var request = Authorized(HttpMethod.Put, $"/_gateway/transforms/{name}/source");
        request.Content = new StringContent(script, Encoding.UTF8, "text/javascript");
        return await harness.Management.SendAsync(request);
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return request;
    }
}
