using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Security;

/// <summary>
/// The token of every outbound credential of <c>Gateway:OutboundAuth</c>, by name: one
/// <see cref="ClientCredentialsTokenProvider"/> each, made at start (the names are fixed until a restart).
/// </summary>
internal sealed class OutboundAuthTokens
{
    private readonly Dictionary<string, ClientCredentialsTokenProvider> _providers;

    public OutboundAuthTokens(IOptions<OutboundAuthSettings> settings, IHttpClientFactory clients, SecretStore secrets, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<ClientCredentialsTokenProvider>();
        _providers = settings.Value.Named.ToDictionary(
            pair => pair.Key,
            pair => new ClientCredentialsTokenProvider(pair.Key, pair.Value, clients, secrets, time, logger),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The names configured, for a message that lists them.</summary>
    public IReadOnlyCollection<string> Names => _providers.Keys;

    public bool IsDefined(string name) => _providers.ContainsKey(name);

    /// <summary>The credential's current token.</summary>
    /// <exception cref="OutboundTokenUnavailableException">There is none now (or no such credential).</exception>
    public ValueTask<string> GetTokenAsync(string name, CancellationToken cancellationToken) =>
        _providers.TryGetValue(name, out var provider)
            ? provider.GetTokenAsync(cancellationToken)
            : ValueTask.FromException<string>(new OutboundTokenUnavailableException(name, $"not defined in {OutboundAuthOptions.SectionName}."));

    /// <summary>Drops <paramref name="token"/> after an upstream refused it (see <see cref="ClientCredentialsTokenProvider.Invalidate"/>).</summary>
    public void Invalidate(string name, string token)
    {
        if (_providers.TryGetValue(name, out var provider))
        {
            provider.Invalidate(token);
        }
    }
}
