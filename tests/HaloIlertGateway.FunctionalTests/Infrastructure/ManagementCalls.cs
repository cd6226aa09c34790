using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>Calls to the management port as a signed-in identity: a bearer token, proxy headers, or neither.</summary>
public static class ManagementCalls
{
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpMethod method, string path, string? token, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await client.SendAsync(request);
    }

    /// <summary><c>GET /_gateway/info</c>, which must answer 200: what the page may offer, and who is signed in.</summary>
    public static async Task<JsonObject> InfoAsync(HttpClient client, string? token, params (string Name, string Value)[] headers)
    {
        using var response = await SendAsync(client, HttpMethod.Get, "/_gateway/info", token, null, headers);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
