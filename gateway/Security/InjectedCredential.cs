using Yarp.ReverseProxy.Configuration;

namespace HaloIlertGateway.Security;

/// <summary>
/// One <c>InjectCredential</c> transform of a route, read in one place for both paths (YARP's transform and durable
/// delivery): the header, the prefix, and where the value comes from: a secret (<c>Secret</c>) or an outbound
/// credential's token (<c>OutboundAuth</c>, prefixed <c>Bearer </c> unless the route says otherwise).
/// </summary>
internal sealed record InjectedCredential(string Header, string Prefix, SecretReference? Secret, string? OutboundAuth)
{
    public const string Key = "InjectCredential";
    public const string SecretKey = "Secret";
    public const string OutboundAuthKey = "OutboundAuth";
    public const string PrefixKey = "Prefix";

    /// <summary>The prefix of a token when the route gives none.</summary>
    public const string BearerPrefix = "Bearer ";

    /// <summary>The transform's credential, or null when it is not one (or names no usable source: validation says why).</summary>
    public static InjectedCredential? From(IReadOnlyDictionary<string, string> transform)
    {
        if (!transform.TryGetValue(Key, out var header))
        {
            return null;
        }

        if (transform.GetValueOrDefault(OutboundAuthKey) is { Length: > 0 } auth)
        {
            return new InjectedCredential(header, transform.GetValueOrDefault(PrefixKey) ?? BearerPrefix, null, auth);
        }

        return SecretReference.TryParse(transform.GetValueOrDefault(SecretKey), out var secret)
            ? new InjectedCredential(header, transform.GetValueOrDefault(PrefixKey) ?? string.Empty, secret, null)
            : null;
    }

    /// <summary>The credentials a route injects, in order; a transform without a usable source is an empty slot (null).</summary>
    public static IEnumerable<(string Header, InjectedCredential? Credential)> Of(RouteConfig route) =>
        route.Transforms?.Where(t => t.ContainsKey(Key)).Select(t => (t[Key], From(t))) ?? [];

    /// <summary>
    /// The credential's value now, without the prefix: the secret's (null when it cannot be read) or the current token.
    /// </summary>
    /// <exception cref="OutboundTokenUnavailableException">The token cannot be had now.</exception>
    public async ValueTask<string?> ReadAsync(SecretStore secrets, OutboundAuthTokens tokens, CancellationToken cancellationToken) =>
        OutboundAuth is { } name ? await tokens.GetTokenAsync(name, cancellationToken) : secrets.Read(Secret!);
}
