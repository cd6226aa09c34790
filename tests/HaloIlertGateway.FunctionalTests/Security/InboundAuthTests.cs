using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Security;

public sealed class InboundAuthTests : IDisposable
{
    private readonly SecureRoute _secure = new();

    public static TheoryData<string> Kinds() => ["ApiKey", "Bearer", "Basic"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WithoutOrWithAWrongCredentialTheCallIs401AndNothingIsForwarded(string kind)
    {
        await using var harness = await StartAsync(kind);

        using var without = await SendAsync(harness, kind, credential: null);
        using var wrong = await SendAsync(harness, kind, credential: _secure.InboundKey + "x");

        foreach (var response in new[] { without, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var problem = await GatewayHarness.ReadProblemAsync(response);
            Assert.Equal("urn:haloilertgateway:problem:unauthorized", problem["type"]!.GetValue<string>());
            Assert.Null(problem["detail"]);
        }

        await harness.AssertNothingSentAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WithTheCredentialTheEventIsForwardedWithTheInjectedHeaderAndNotTheClients(string kind)
    {
        await using var harness = await StartAsync(kind);

        using var response = await SendAsync(harness, kind, _secure.InboundKey);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var received = Assert.Single(await harness.Ilert.WaitForAsync(1));
        Assert.Equal("Bearer " + _secure.IlertToken, received.Header("authorization"));
        Assert.Null(received.Header("x-api-key"));
        Assert.Equal(_secure.TransformSecret, received.Json!["integrationKey"]!.GetValue<string>());
        var seen = received.Json!["sawHeaders"]!.AsArray().Select(h => h!.GetValue<string>()).ToList();
        Assert.DoesNotContain("x-api-key", seen);
        Assert.DoesNotContain("authorization", seen);
    }

    [Fact]
    public async Task BothTheCurrentAndTheRotatedKeyAreAccepted()
    {
        await using var harness = await StartAsync("ApiKey");

        using var current = await SendAsync(harness, "ApiKey", _secure.InboundKey);
        using var rotated = await SendAsync(harness, "ApiKey", _secure.RotatedInboundKey);

        Assert.Equal(HttpStatusCode.Accepted, current.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, rotated.StatusCode);
    }

    [Fact]
    public async Task BasicAuthWithTheWrongUserNameIsRefused()
    {
        await using var harness = await StartAsync("Basic");
        using var request = new HttpRequestMessage(HttpMethod.Post, SecureRoute.Path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("mallory:" + _secure.InboundKey)));

        using var response = await harness.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await harness.AssertNothingSentAsync();
    }

    public void Dispose() => _secure.Dispose();

    private Task<GatewayHarness> StartAsync(string kind) =>
        GatewayHarness.CreateAsync(new Dictionary<string, string> { ["secure"] = SecureRoute.Script }, g => _secure.AddTo(g, kind));

    /// <summary>Sends an event with the credential in the kind's place, plus a client Authorization that must never reach ilert.</summary>
    internal static Task<HttpResponseMessage> SendAsync(GatewayHarness harness, string kind, string? credential)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, SecureRoute.Path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        switch (kind)
        {
            case "ApiKey":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-attempt-at-ilert");
                if (credential is not null)
                {
                    request.Headers.Add("X-Api-Key", credential);
                }

                break;
            case "Bearer" when credential is not null:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
                break;
            case "Basic" when credential is not null:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("halo:" + credential)));
                break;
        }

        return harness.Client.SendAsync(request);
    }
}
