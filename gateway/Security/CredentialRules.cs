using Yarp.ReverseProxy.Configuration;

namespace HaloIlertGateway.Security;

/// <summary>
/// The rules for routes that use credentials the gateway holds: such a route must authenticate its callers, unless
/// its metadata opts out explicitly (<c>"AllowAnonymousCredentialUse": "true"</c>); and every secret it names must
/// be a valid reference that resolves.
/// </summary>
internal sealed class CredentialRules(SecretStore store)
{
    public const string AllowAnonymousMetadataKey = "AllowAnonymousCredentialUse";

    public static bool RequiresInboundAuth(RouteConfig route) =>
        !(route.Metadata?.TryGetValue(AllowAnonymousMetadataKey, out var optOut) == true && bool.TryParse(optOut, out var allowed) && allowed)
        && (string.IsNullOrEmpty(route.AuthorizationPolicy) || string.Equals(route.AuthorizationPolicy, "Anonymous", StringComparison.OrdinalIgnoreCase));

    /// <summary>Why a route that uses <paramref name="what"/> is refused for lack of inbound auth, or null when it is fine.</summary>
    public static string? DescribeAnonymousUse(RouteConfig route, string what) =>
        RequiresInboundAuth(route)
            ? $"Route '{route.RouteId}' uses {what} but lets anyone call it: set its AuthorizationPolicy to an inbound check (Gateway:InboundAuth), or opt out with Metadata \"{AllowAnonymousMetadataKey}\": \"true\"."
            : null;

    /// <summary>Null when <paramref name="reference"/> is usable; else why not (never the secret's value).</summary>
    public string? DescribeUnusableSecret(string? reference)
    {
        if (!SecretReference.TryParse(reference, out var parsed))
        {
            // The value may be the secret itself, pasted where its reference belongs: it is never repeated.
            return "the value is not a secret reference (it is not shown): write env:NAME or file:/path (secrets never sit in configuration).";
        }

        return store.Read(parsed!) is null ? $"the secret {parsed} is not set (empty, missing or unreadable)." : null;
    }
}
