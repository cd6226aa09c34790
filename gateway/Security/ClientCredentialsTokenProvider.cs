using System.Text.Json;
using Duende.IdentityModel.Client;

namespace HaloIlertGateway.Security;

/// <summary>
/// The access token of one <c>ClientCredentials</c> outbound credential: fetched from its token endpoint with the
/// client id and secret in the form body, cached until <c>expires_in</c> less <see cref="OutboundAuthOptions.RefreshBefore"/>
/// (<see cref="OutboundAuthOptions.DefaultTokenLifetime"/> when the answer gives none), and fetched by one caller at a
/// time: the others await the same fetch. A fetch is not the caller's: one caller giving up does not cancel it for the
/// others; it is bounded by <see cref="OutboundAuthOptions.Timeout"/>. After an upstream refused a token (401),
/// <see cref="Invalidate"/> drops it once. Every token is masked in logs and management answers while it may be in use.
/// </summary>
internal sealed partial class ClientCredentialsTokenProvider
{
    /// <summary>The <see cref="IHttpClientFactory"/> client every token request goes through.</summary>
    public const string HttpClientName = "HaloIlertGateway.OutboundAuth";

    /// <summary>The last tokens kept masked: the current one and those that requests may still carry.</summary>
    private const int TokensMasked = 4;

    private readonly string _name;
    private readonly OutboundAuthOptions _options;
    private readonly IHttpClientFactory _clients;
    private readonly SecretStore _secrets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Queue<string> _masked = new();
    private CachedToken? _current;
    private Task<CachedToken>? _fetch;

    public ClientCredentialsTokenProvider(string name, OutboundAuthOptions options, IHttpClientFactory clients, SecretStore secrets, TimeProvider time, ILogger logger)
    {
        _name = name;
        _options = options;
        _clients = clients;
        _secrets = secrets;
        _time = time;
        _logger = logger;
    }

    /// <summary>The current token, fetched first if there is none or it is due for refresh.</summary>
    /// <exception cref="OutboundTokenUnavailableException">The token endpoint gave no token.</exception>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        Task<CachedToken> fetch;
        lock (_gate)
        {
            if (_current is { } current && _time.GetUtcNow() < current.RefreshAt)
            {
                return current.Value;
            }

            // A finished fetch that left no usable token (it failed, or its token is due) is followed by a new one.
            if (_fetch is null || _fetch.IsCompleted)
            {
                _fetch = FetchAsync();
            }

            fetch = _fetch;
        }

        return (await fetch.WaitAsync(cancellationToken)).Value;
    }

    /// <summary>
    /// Drops <paramref name="token"/> after the upstream refused it: the next caller fetches a new one. A token that
    /// is no longer the current one (already dropped, or replaced) changes nothing, so many requests refused with the
    /// same token cause one fetch.
    /// </summary>
    public void Invalidate(string token)
    {
        lock (_gate)
        {
            if (_current is null || !string.Equals(_current.Value, token, StringComparison.Ordinal))
            {
                return;
            }

            _current = null;
        }

        Log.Invalidated(_logger, _name);
    }

    private async Task<CachedToken> FetchAsync()
    {
        // Off the caller's lock: nothing below runs while GetTokenAsync holds it.
        await Task.Yield();
        if (!SecretReference.TryParse(_options.ClientSecret, out var reference) || _secrets.Read(reference!) is not { } secret)
        {
            throw Unavailable($"its client secret {reference?.ToString() ?? "(not a reference)"} is not set (empty, missing or unreadable).");
        }

        var sentAt = _time.GetUtcNow();
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        TokenResponse response;
        try
        {
            response = await _clients.CreateClient(HttpClientName).RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            {
                Address = _options.TokenUrl,
                ClientId = _options.ClientId!,
                ClientSecret = secret,
                ClientCredentialStyle = ClientCredentialStyle.PostBody,
                Scope = _options.Scope,
                Parameters = new Parameters(_options.ExtraForm),
            }, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw Unavailable($"the token endpoint did not answer within {_options.Timeout}.");
        }

        if (response.IsError)
        {
            throw Unavailable(Describe(response, timeout.IsCancellationRequested, secret));
        }

        if (response.AccessToken is not { Length: > 0 } token || !token.All(c => c is > ' ' and < '\u007f'))
        {
            throw Unavailable($"the token endpoint answered {(int)response.HttpStatusCode} without a usable access_token.");
        }

        var lifetime = response.ExpiresIn > 0 ? TimeSpan.FromSeconds(response.ExpiresIn) : OutboundAuthOptions.DefaultTokenLifetime;
        var fresh = new CachedToken(token, sentAt + (lifetime > _options.RefreshBefore ? lifetime - _options.RefreshBefore : lifetime / 2));
        lock (_gate)
        {
            _current = fresh;
            Mask(token);
        }

        Log.Fetched(_logger, _name, lifetime.TotalSeconds);
        return fresh;
    }

    /// <summary>Masks the new token and stops masking the oldest one kept, once it can no longer be in use.</summary>
    private void Mask(string token)
    {
        _secrets.RememberForNow(token);
        _masked.Enqueue(token);
        while (_masked.Count > TokensMasked)
        {
            _secrets.Forget(_masked.Dequeue());
        }
    }

    private OutboundTokenUnavailableException Unavailable(string problem)
    {
        Log.FetchFailed(_logger, _name, problem);
        return new OutboundTokenUnavailableException(_name, problem);
    }

    /// <summary>What went wrong, from the status, the OAuth2 error code and the exception's kind: never the answer's text.</summary>
    private static string Describe(TokenResponse response, bool timedOut, string secret)
    {
        var code = ErrorCode(response, secret) is { } error ? $" ({error})" : string.Empty;
        return response.ErrorType switch
        {
            ResponseErrorType.Http or ResponseErrorType.Protocol => $"the token endpoint answered {(int)response.HttpStatusCode}{code}.",
            ResponseErrorType.Exception when timedOut || response.Exception is OperationCanceledException => "the token endpoint did not answer in time.",
            ResponseErrorType.Exception when response.Exception is HttpRequestException http => $"no answer from the token endpoint ({http.HttpRequestError}).",
            ResponseErrorType.Exception => $"the token endpoint's answer could not be read ({response.Exception?.GetType().Name ?? "unknown"}).",
            _ => $"the token request was refused ({response.ErrorType}).",
        };
    }

    /// <summary>The answer's OAuth2 <c>error</c> code when it is one (a short token); anything else is left out.</summary>
    private static string? ErrorCode(TokenResponse response, string secret) =>
        response.Json is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
            && error.GetString() is { Length: > 0 and <= 64 } code && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            && !code.Contains(secret, StringComparison.Ordinal)
            ? code
            : null;

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Debug, Message = "Outbound auth {Name}: a token was fetched, valid for {LifetimeSeconds} s")]
        public static partial void Fetched(ILogger logger, string name, double lifetimeSeconds);

        [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Outbound auth {Name}: no token: {Problem}")]
        public static partial void FetchFailed(ILogger logger, string name, string problem);

        [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Outbound auth {Name}: the upstream refused the token; a new one is fetched")]
        public static partial void Invalidated(ILogger logger, string name);
    }
}
