using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// A HaloPSA-style OAuth2 token endpoint on loopback (a <see cref="FakeIlert"/> answering <c>POST /auth/token</c>):
/// each request gets a new token (<see cref="TokenPrefix"/> + its number), or what <see cref="Down"/> says.
/// </summary>
public sealed class FakeTokenServer : IAsyncDisposable
{
    private readonly FakeIlert _server;
    private int _issued;

    private FakeTokenServer(FakeIlert server)
    {
        _server = server;
        server.Respond = Answer;
    }

    /// <summary>What every token starts with: unique per server, so a test can look for any of them anywhere.</summary>
    public string TokenPrefix { get; } = "halo-token-" + Guid.NewGuid().ToString("N")[..12] + "-";

    /// <summary>True: every request's connection is dropped, as when the endpoint is unreachable.</summary>
    public bool Down { get; set; }

    /// <summary>The token endpoint's URL, with HaloPSA's tenant query.</summary>
    public string TokenUrl => new Uri(_server.Address, "auth/token?tenant=contoso").ToString();

    /// <summary>The token requests answered with a token, their forms parsed.</summary>
    public IReadOnlyList<Dictionary<string, string>> Fetches =>
        [.. _server.Received.Where(r => r.Accepted).Select(r => QueryHelpers.ParseQuery(r.BodyText).ToDictionary(p => p.Key, p => p.Value.ToString()))];

    /// <summary>Every token requested so far, answered or not.</summary>
    public IReadOnlyCollection<RecordedRequest> Requests => _server.Received;

    public string Token(int number) => TokenPrefix + number;

    public static async Task<FakeTokenServer> StartAsync() => new(await FakeIlert.StartAsync());

    /// <summary>Adds outbound auth <c>halo</c> against this endpoint to <paramref name="gateway"/>, its secret a file in <paramref name="secrets"/>.</summary>
    public void AddTo(GatewayFactory gateway, SecureRoute secrets, string clientSecret)
    {
        gateway.Settings["Gateway:OutboundAuth:halo:Kind"] = "ClientCredentials";
        gateway.Settings["Gateway:OutboundAuth:halo:TokenUrl"] = TokenUrl;
        gateway.Settings["Gateway:OutboundAuth:halo:ClientId"] = "halo-gateway";
        gateway.Settings["Gateway:OutboundAuth:halo:ClientSecret"] = secrets.Secret("halo-client-secret", clientSecret);
        gateway.Settings["Gateway:OutboundAuth:halo:Scope"] = "all";
        gateway.Settings["Gateway:OutboundAuth:halo:ExtraForm:tenant"] = "contoso";
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private IResult Answer(RecordedRequest request) =>
        Down ? FakeIlert.Unreachable
        : request.Method == "POST" && request.Path == "/auth/token"
            ? Results.Json(new { access_token = Token(Interlocked.Increment(ref _issued)), token_type = "Bearer", expires_in = 3600 })
            : Results.NotFound();
}
