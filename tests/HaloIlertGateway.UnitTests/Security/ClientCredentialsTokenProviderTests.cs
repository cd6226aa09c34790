using System.Net;
using HaloIlertGateway.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HaloIlertGateway.UnitTests.Security;

/// <summary><see cref="ClientCredentialsTokenProvider"/> against a fake token endpoint, on a fake clock.</summary>
public sealed class ClientCredentialsTokenProviderTests : IDisposable
{
    private readonly string _secretVariable = "HALO_ILERT_GATEWAY_TEST_CLIENT_SECRET_" + Guid.NewGuid().ToString("N");
    private readonly string _secret = "client-secret-" + Guid.NewGuid().ToString("N");
    private readonly FakeTokenEndpoint _endpoint = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly SecretStore _secrets;

    public ClientCredentialsTokenProviderTests()
    {
        Environment.SetEnvironmentVariable(_secretVariable, _secret);
        _secrets = new SecretStore(_time);
    }

    [Fact]
    public async Task ManyCallersInTurnShareOneFetch()
    {
        var provider = Provider();

        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add(await provider.GetTokenAsync(CancellationToken.None));
        }

        Assert.All(tokens, token => Assert.Equal("token-1", token));
        Assert.Single(_endpoint.Forms);
    }

    [Fact]
    public async Task ConcurrentCallersAwaitTheSameFetch()
    {
        var provider = Provider();
        _endpoint.Hold();

        var callers = Enumerable.Range(0, 8).Select(_ => provider.GetTokenAsync(CancellationToken.None).AsTask()).ToList();
        await WaitUntil(() => _endpoint.Forms.Count == 1);
        Assert.All(callers, caller => Assert.False(caller.IsCompleted));
        _endpoint.Release();

        Assert.All(await Task.WhenAll(callers), token => Assert.Equal("token-1", token));
        Assert.Single(_endpoint.Forms);
    }

    [Fact]
    public async Task ACallerThatGivesUpDoesNotCancelTheFetchForTheOthers()
    {
        var provider = Provider();
        _endpoint.Hold();
        using var impatient = new CancellationTokenSource();

        var first = provider.GetTokenAsync(impatient.Token).AsTask();
        var second = provider.GetTokenAsync(CancellationToken.None).AsTask();
        await WaitUntil(() => _endpoint.Forms.Count == 1);
        await impatient.CancelAsync();
        _endpoint.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal("token-1", await second);
        Assert.Single(_endpoint.Forms);
    }

    [Fact]
    public async Task ATokenIsRefreshedRefreshBeforeItExpires()
    {
        var provider = Provider(o => o.RefreshBefore = TimeSpan.FromSeconds(60));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(3600 - 60 - 1));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));
        Assert.Equal(2, _endpoint.Forms.Count);
    }

    [Fact]
    public async Task ATokenWithoutExpiresInLastsTheDefaultLifetime()
    {
        _endpoint.ExpiresIn = null;
        var provider = Provider(o => o.RefreshBefore = TimeSpan.FromSeconds(60));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));

        _time.Advance(OutboundAuthOptions.DefaultTokenLifetime - TimeSpan.FromSeconds(61));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ATokenNoLongerThanRefreshBeforeIsReplacedAtHalfItsLifetime()
    {
        _endpoint.ExpiresIn = 30;
        var provider = Provider(o => o.RefreshBefore = TimeSpan.FromSeconds(60));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task InvalidatingATokenFetchesANewOneOnceHoweverOftenItIsInvalidated()
    {
        var provider = Provider();
        var refused = await provider.GetTokenAsync(CancellationToken.None);

        provider.Invalidate(refused);
        provider.Invalidate(refused);
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));
        provider.Invalidate(refused);
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));

        Assert.Equal(2, _endpoint.Forms.Count);
    }

    [Fact]
    public async Task TheFormCarriesTheClientCredentialsTheScopeAndTheExtraFields()
    {
        var provider = Provider(o =>
        {
            o.TokenUrl = "https://contoso.halopsa.example/auth/token?tenant=contoso";
            o.Scope = "all";
            o.ExtraForm["tenant"] = "contoso";
        });

        await provider.GetTokenAsync(CancellationToken.None);

        var form = Assert.Single(_endpoint.Forms);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("halo-client", form["client_id"]);
        Assert.Equal(_secret, form["client_secret"]);
        Assert.Equal("all", form["scope"]);
        Assert.Equal("contoso", form["tenant"]);
        Assert.Equal("?tenant=contoso", _endpoint.LastQuery);
    }

    [Fact]
    public async Task WithoutAScopeNoneIsSent()
    {
        await Provider().GetTokenAsync(CancellationToken.None);

        Assert.DoesNotContain("scope", Assert.Single(_endpoint.Forms).Keys);
    }

    [Fact]
    public async Task ARefusingTokenEndpointGivesATypedErrorNamingTheAuthAndStatusButNoSecret()
    {
        // An endpoint that echoes the secret in its description: the message keeps only the status and the error code.
        _endpoint.Respond = () => (HttpStatusCode.Unauthorized, $$"""{"error":"invalid_client","error_description":"bad secret {{_secret}}"}""");
        var provider = Provider();

        var error = await Assert.ThrowsAsync<OutboundTokenUnavailableException>(() => provider.GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Equal("halo", error.AuthName);
        Assert.Equal("Outbound auth 'halo': the token endpoint answered 401 (invalid_client).", error.Message);
        Assert.DoesNotContain(_secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndpointThatFailsThenRecoversGivesATokenOnTheNextCall()
    {
        _endpoint.Respond = () => (HttpStatusCode.ServiceUnavailable, "{}");
        var provider = Provider();
        var error = await Assert.ThrowsAsync<OutboundTokenUnavailableException>(() => provider.GetTokenAsync(CancellationToken.None).AsTask());
        Assert.Contains("answered 503", error.Message, StringComparison.Ordinal);

        _endpoint.Respond = null;

        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AnAnswerWithoutAnAccessTokenIsAnError()
    {
        _endpoint.Respond = () => (HttpStatusCode.OK, """{"token_type":"Bearer","expires_in":3600}""");

        var error = await Assert.ThrowsAsync<OutboundTokenUnavailableException>(() => Provider().GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Contains("without a usable access_token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnsetClientSecretIsAnErrorNamingItsReference()
    {
        Environment.SetEnvironmentVariable(_secretVariable, null);

        var error = await Assert.ThrowsAsync<OutboundTokenUnavailableException>(() => Provider().GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Contains($"env:{_secretVariable} is not set", error.Message, StringComparison.Ordinal);
        Assert.Empty(_endpoint.Forms);
    }

    [Fact]
    public async Task TheSecretAndTheLatestTokensAreMaskedAndOldTokensAreForgotten()
    {
        var provider = Provider();
        var first = await provider.GetTokenAsync(CancellationToken.None);
        Assert.Contains(_secret, _secrets.KnownValues);
        Assert.Contains(first, _secrets.KnownValues);

        for (var i = 0; i < 4; i++)
        {
            provider.Invalidate(await provider.GetTokenAsync(CancellationToken.None));
        }

        var latest = await provider.GetTokenAsync(CancellationToken.None);
        Assert.DoesNotContain(first, _secrets.KnownValues);
        Assert.Contains(latest, _secrets.KnownValues);
        Assert.Contains(_secret, _secrets.KnownValues);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_secretVariable, null);
        _endpoint.Dispose();
    }

    private ClientCredentialsTokenProvider Provider(Action<OutboundAuthOptions>? configure = null)
    {
        var options = new OutboundAuthOptions
        {
            TokenUrl = "https://tokens.example/auth/token",
            ClientId = "halo-client",
            ClientSecret = "env:" + _secretVariable,
        };
        configure?.Invoke(options);
        return new ClientCredentialsTokenProvider("halo", options, _endpoint, _secrets, _time, NullLogger.Instance);
    }

    /// <summary>Polls a condition the provider's background fetch makes true (it runs on the thread pool).</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
