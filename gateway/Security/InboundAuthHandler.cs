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
/// constant time (SHA-256 digests compared with <see cref="CryptographicOperations.FixedTimeEquals"/>), or a sender's
/// signature over the raw body (<see cref="SignatureCheck"/>), read here before anything parses it and handed on
/// unchanged. A failure is a 401 problem: for a credential it does not say which part was wrong; for a signature it
/// names the check and the rule that failed. A body too long to verify is a 413.
/// </summary>
internal sealed class InboundAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SecretStore secrets, InboundAuthChecks checks, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private string? _signatureFailure;
    private bool _bodyTooLarge;

    private InboundAuthOptions Check => checks.Get(Scheme.Name) ?? throw new InvalidOperationException($"No inbound check '{Scheme.Name}'.");

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var check = Check;
        if (check.SignsBody)
        {
            return await VerifySignatureAsync(check);
        }

        if (!TryReadCredential(check, out var user, out var presented))
        {
            return AuthenticateResult.NoResult();
        }

        var presentedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var userMatches = check.Username is null || CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(user ?? string.Empty)), SHA256.HashData(Encoding.UTF8.GetBytes(check.Username)));
        var secretMatches = false;
        foreach (var accepted in AcceptedSecrets(check))
        {
            // No early exit: every configured secret is compared, matched or not.
            secretMatches |= CryptographicOperations.FixedTimeEquals(presentedDigest, SHA256.HashData(Encoding.UTF8.GetBytes(accepted)));
        }

        return userMatches && secretMatches ? Success() : AuthenticateResult.Fail("The credential was not accepted.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var check = Check;
        if (_bodyTooLarge)
        {
            return GatewayProblems.WriteAsync(Context, StatusCodes.Status413PayloadTooLarge, GatewayProblems.PayloadTooLarge, "The request body is too large.",
                $"The check '{Scheme.Name}' verifies bodies of up to {check.MaxBodyBytes} bytes.");
        }

        if (check.Kind is InboundAuthKind.Bearer or InboundAuthKind.Basic)
        {
            Response.Headers.WWWAuthenticate = check.Kind.ToString();
        }

        var detail = check.SignsBody ? $"The {check.Kind} check '{Scheme.Name}' failed: {_signatureFailure ?? "the signature was not verified"}." : null;
        return GatewayProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, GatewayProblems.Unauthorized, "Unauthorized.", detail);
    }

    private AuthenticateResult Success()
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, Scheme.Name)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private async Task<AuthenticateResult> VerifySignatureAsync(InboundAuthOptions check)
    {
        var body = await BufferedBody.ReadAsync(Request, check.MaxBodyBytes, Context.RequestAborted);
        if (body is null)
        {
            _bodyTooLarge = true;
            return AuthenticateResult.Fail("The body is too large to verify.");
        }

        _signatureFailure = SignatureCheck.Verify(check, Request.Headers, body, [.. AcceptedSecrets(check)], time.GetUtcNow());
        return _signatureFailure is null ? Success() : AuthenticateResult.Fail(_signatureFailure);
    }

    /// <summary>The values of the check's secrets that resolve now (read per request: a rotated file applies at once).</summary>
    private IEnumerable<string> AcceptedSecrets(InboundAuthOptions check)
    {
        foreach (var reference in check.Secrets)
        {
            if (SecretReference.TryParse(reference, out var parsed) && secrets.Read(parsed!) is { } value)
            {
                yield return value;
            }
        }
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
