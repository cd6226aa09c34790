using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Versions;

/// <summary>
/// A gateway with a small transform of its own (<c>tagger</c>, with a fixture file) and the management calls of the
/// versions API, as a person with the management token makes them.
/// </summary>
internal static class VersionsApi
{
    public const string Token = "versions-admin-token-0123456789";
    public const string AliceToken = "alice-edits-transforms-token";
    public const string BobToken = "bob-edits-transforms-too-token";
    public const string ReaderToken = "rita-only-reads-token-xyz";
    public const string Name = "tagger";

    public static string Script(string tag) => $$"""
        // @ts-check
        function transform(request, context) {
          request.body = { tag: "{{tag}}", n: request.body.n };
          return request;
        }
        """;

    public static string Fixtures(string tag) =>
        """{"cases":[{"name":"tags the event","request":{"path":"/x","body":{"n":1}},"expect":{"body":{"tag":""" + $"\"{tag}\"" + ""","n":1}}}]}""";

    /// <summary>
    /// The token, the users <c>alice</c> and <c>bob</c> (edit) and <c>rita</c> (read), and <c>tagger</c> at "v1" with its
    /// fixtures in the gateway's scripts folder.
    /// </summary>
    public static GatewayFactory WithTagger(this GatewayFactory gateway)
    {
        gateway.Settings["Gateway:Management:Token"] = Token;
        foreach (var (user, token, role) in new[] { ("alice", AliceToken, "edit"), ("bob", BobToken, "edit"), ("rita", ReaderToken, "read") })
        {
            gateway.Settings[$"Gateway:Management:Users:{user}:Token"] = token;
            gateway.Settings[$"Gateway:Management:Users:{user}:Role"] = role;
        }

        File.WriteAllText(Path.Combine(gateway.TransformsDirectory, Name + ".js"), Script("v1"));
        File.WriteAllText(Path.Combine(gateway.TransformsDirectory, Name + ".fixtures.json"), Fixtures("v1"));
        return gateway;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null, string token = Token) => new(method, path)
    {
        Content = content,
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    public static async Task<HttpResponseMessage> PublishAsync(
        this GatewayHarness harness, string script, string message, string? ifMatch = null, string? fixtures = null, string token = Token, string? settings = null)
    {
        var body = new JsonObject { ["script"] = script, ["message"] = message };
        if (fixtures is not null)
        {
            body["fixtures"] = JsonNode.Parse(fixtures);
        }

        if (settings is not null)
        {
            body["settings"] = JsonNode.Parse(settings);
        }

        using var request = Request(HttpMethod.Post, $"/_gateway/transforms/{Name}/versions", JsonContent.Create(body), token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await harness.Management.SendAsync(request);
    }

    /// <summary>A publish that must succeed (201).</summary>
    public static async Task PublishedAsync(
        this GatewayHarness harness, string script, string message, string? ifMatch = null, string? fixtures = null, string token = Token, string? settings = null)
    {
        using var response = await harness.PublishAsync(script, message, ifMatch, fixtures, token, settings);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"publish answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<HttpResponseMessage> RollBackAsync(this GatewayHarness harness, int version, string message, string? ifMatch = null, string token = Token)
    {
        using var request = Request(HttpMethod.Post, $"/_gateway/transforms/{Name}/rollback", JsonContent.Create(new { version, message }), token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await harness.Management.SendAsync(request);
    }

    /// <summary><c>GET /_gateway/transforms/tagger</c>: the serving version's number and SHA-256, and the ETag.</summary>
    public static async Task<(int Version, string Sha256, string? ETag)> ServingAsync(this GatewayHarness harness)
    {
        using var request = Request(HttpMethod.Get, $"/_gateway/transforms/{Name}");
        using var response = await harness.Management.SendAsync(request);
        var status = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (status["version"]!.GetValue<int>(), status["sha256"]!.GetValue<string>(), response.Headers.ETag?.Tag);
    }

    /// <summary>The history of <c>tagger</c>, newest first (empty when it has none yet).</summary>
    public static async Task<JsonArray> HistoryAsync(this GatewayHarness harness, string name = Name)
    {
        using var request = Request(HttpMethod.Get, $"/_gateway/transforms/{name}/versions");
        using var response = await harness.Management.SendAsync(request);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonArray>())! : [];
    }

    public static async Task<string> GetTextAsync(this GatewayHarness harness, string path)
    {
        using var request = Request(HttpMethod.Get, path);
        using var response = await harness.Management.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary><c>tagger</c> reading its tag from <c>context.settings</c>, and fixtures whose own settings say <c>fx</c>.</summary>
    public const string SettingsScript = "function transform(request, context) { request.body = { tag: context.settings.tag || \"none\", n: request.body.n }; return request; }";

    public const string SettingsFixtures = """{"settings":{"tag":"fx"},"cases":[{"name":"tags from settings","request":{"path":"/x","body":{"n":1}},"expect":{"body":{"tag":"fx","n":1}}}]}""";

    /// <summary>The tag the serving <c>tagger</c> gives an event through the test endpoint, with the settings it serves with.</summary>
    public static async Task<string> TagAsync(this GatewayHarness harness)
    {
        using var request = Request(HttpMethod.Post, $"/_gateway/transforms/{Name}/test", JsonContent.Create(new { request = new { path = "/x", body = new { n = 5 } } }));
        using var response = await harness.Management.SendAsync(request);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["request"]!["body"]!["tag"]!.GetValue<string>();
    }

    /// <summary>The script's SHA-256 as the gateway writes it.</summary>
    public static string Sha256(string script) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
}
