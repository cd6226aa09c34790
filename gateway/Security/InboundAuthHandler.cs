using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Security;

/// <summary>
/// Checks a route's inbound credential (API key header, Bearer or Basic) against the values of its secrets, in
/// constant time (SHA-256 digests compared with <see cref="CryptographicOperations.FixedTimeEquals"/>). A failure is a
/// 401 problem that does not say which part was wrong.
/// </summary>
internal sealed class InboundAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SecretStore secrets, InboundAuthChecks checks)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private InboundAuthOptions Check => checks.Get(Scheme.Name) ?? throw new InvalidOperationException($"No inbound check '{Scheme.Name}'.");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var check = Check;
        if (!TryReadCredential(check, out var user, out var presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presentedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var userMatches = check.Username is null || CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(user ?? string.Empty)), SHA256.HashData(Encoding.UTF8.GetBytes(check.Username)));
        var secretMatches = false;
        foreach (var reference in check.Secrets)
        {
            if (SecretReference.TryParse(reference, out var parsed) && secrets.Read(parsed!) is { } accepted)
            {
                // No early exit: every configured secret is compared, matched or not.
                secretMatches |= CryptographicOperations.FixedTimeEquals(presentedDigest, SHA256.HashData(Encoding.UTF8.GetBytes(accepted)));
            }
        }

        if (!(userMatches && secretMatches))
        {
            return Task.FromResult(AuthenticateResult.Fail("The credential was not accepted."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, Scheme.Name)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Check.Kind != InboundAuthKind.ApiKey)
        {
            Response.Headers.WWWAuthenticate = Check.Kind.ToString();
        }

        return GatewayProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, GatewayProblems.Unauthorized, "Unauthorized.");
    }

    private bool TryReadCredential(InboundAuthOptions check, out string? user, out string presented)
    {
        user = null;
        presented = string.Empty;
        var value = Request.Headers[check.CredentialHeader].ToString();
        switch (check.Kind)
        {
            case InboundAuthKind.ApiKey:
                presented = value.Trim();
                break;
            case InboundAuthKind.Bearer when value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase):
                presented = value["Bearer ".Length..].Trim();
                break;
            case InboundAuthKind.Basic when value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase):
                try
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value["Basic ".Length..].Trim()));
                    var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    (user, presented) = colon < 0 ? (decoded, string.Empty) : (decoded[..colon], decoded[(colon + 1)..]);
                }
                catch (FormatException)
                {
                    return false;
                }

                break;
        }

        return presented.Length > 0;
    }
}
