using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using HaloIlertGateway.Http;
using HaloIlertGateway.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Security;

/// <summary>
/// Checks a route's inbound credential (API key header, Bearer or Basic) against the values of its secrets, in
/// constant time (SHA-256 digests compared with <see cref="CryptographicOperations.FixedTimeEquals"/>), or a sender's
/// signature over the raw body (<see cref="SignatureCheck"/>), read here before anything parses it and handed on
/// unchanged. A failure is a 401 problem: for a credential it does not say which part was wrong; for a signature it
/// names the check and the rule that failed. A body too long to verify is a 413; one the body budget cannot hold, a 503.
/// </summary>
internal sealed partial class InboundAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SecretStore secrets, InboundAuthChecks checks, BodyBudget budget, IReplayGuard replays, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>How long a signed request's marks are held while it is handled, at most (a process that dies mid-request lets go then).</summary>
    private static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(2);

    private string? _signatureFailure;
    private BodyReadStatus _bodyRead;
    private bool _replayGuardDown;
    private ReplayCheck _replay;

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
        switch (_bodyRead)
        {
            case BodyReadStatus.TooLarge:
                return GatewayProblems.WriteAsync(Context, StatusCodes.Status413PayloadTooLarge, GatewayProblems.PayloadTooLarge, "The request body is too large.",
                    $"The check '{Scheme.Name}' verifies bodies of up to {check.MaxBodyBytes} bytes.");
            case BodyReadStatus.OverBudget:
                return GatewayProblems.WriteAsync(Context, GatewayProblems.BusyProblem(budget.RetryAfterSeconds));
            case BodyReadStatus.TimedOut:
                return GatewayProblems.WriteAsync(Context, GatewayProblems.BodyTimeoutProblem(budget.ReadTimeout));
        }

        if (_replay == ReplayCheck.InProgress)
        {
            // The same signed request is being handled now (a sender that retried before its first try was answered).
            return GatewayProblems.WriteAsync(Context, new GatewayProblem(StatusCodes.Status503ServiceUnavailable, GatewayProblems.Busy,
                "The same signed request is being handled.", "A request with this signature is in progress; if it fails, this one will be taken. Send it again after Retry-After.")
            {
                RetryAfterSeconds = 5,
            });
        }

        if (_replayGuardDown)
        {
            // Whether the signature was used before cannot be known: refused, and the sender is told to try again.
            return GatewayProblems.WriteAsync(Context, new GatewayProblem(StatusCodes.Status503ServiceUnavailable, GatewayProblems.OutboxUnavailable,
                "The signature cannot be checked for a replay now.", "The store that remembers accepted signatures cannot be reached; send the request again after Retry-After.")
            {
                RetryAfterSeconds = 5,
            });
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
        var read = await BufferedBody.ReadAsync(Request, check.MaxBodyBytes, budget.LeaseFor(Context), Context.RequestAborted);
        _bodyRead = read.Status;
        if (read.Status != BodyReadStatus.Complete)
        {
            return AuthenticateResult.Fail(read.Status switch
            {
                BodyReadStatus.TooLarge => "The body is too large to verify.",
                BodyReadStatus.TimedOut => "The body took too long.",
                _ => "The body budget is spent.",
            });
        }

        var now = time.GetUtcNow();
        var verdict = SignatureCheck.Verify(check, Request.Headers, read.Body, [.. AcceptedSecrets(check)], now);
        if (!verdict.IsValid)
        {
            _signatureFailure = verdict.Reason;
            return AuthenticateResult.Fail(verdict.Reason);
        }

        // A valid signature is accepted once (a captured request replayed is refused). Its marks are held while the request
        // is handled and kept only if it ends in a 2xx: a sender's retry of a request that failed here carries the same
        // signature and must pass.
        var marks = ReplayMarks(check);
        try
        {
            _replay = await replays.TryHoldAsync(marks, now + HoldFor, now, Context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ReplayGuardDown(Logger, Scheme.Name, ex.GetType().Name, ex.Message);
            _replayGuardDown = true;
            return AuthenticateResult.Fail("The replay guard cannot be reached.");
        }

        if (_replay != ReplayCheck.Held)
        {
            _signatureFailure = $"this signature{(marks.Count > 1 ? " or delivery id" : string.Empty)} was accepted before (a replay)";
            return AuthenticateResult.Fail(_signatureFailure);
        }

        Response.OnCompleted(async () =>
        {
            try
            {
                // Not the request's token: the response is complete, and the mark must be settled whoever went away.
                if (Response.StatusCode is >= 200 and <= 299)
                {
                    await replays.ConfirmAsync(marks, time.GetUtcNow() + check.ReplayWindowOrDefault, CancellationToken.None);
                }
                else
                {
                    await replays.ForgetAsync(marks, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The hold runs out by itself (HoldFor): the sender's retry passes after that.
                Log.ReplayGuardDown(Logger, Scheme.Name, ex.GetType().Name, ex.Message);
            }
        });
        return Success();
    }

    /// <summary>
    /// Digests of the signature as it decodes (however its header is spelled) and, when the sender sends one, of its
    /// delivery id: a mark never holds either in clear.
    /// </summary>
    private List<string> ReplayMarks(InboundAuthOptions check)
    {
        List<string> marks = [Mark("signature", Convert.ToHexStringLower(SignatureCheck.Presented(check, Request.Headers) ?? []))];
        if (check.DeliveryIdHeaderOrDefault is { } header && Request.Headers[header].ToString().Trim() is { Length: > 0 } deliveryId)
        {
            marks.Add(Mark("delivery", deliveryId));
        }

        return marks;

        string Mark(string what, string value) =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Scheme.Name}\n{what}\n{value}")));
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Inbound check {Check}: the replay guard cannot be written ({ExceptionType}: {Error}); signed requests are answered 503 until it can")]
        public static partial void ReplayGuardDown(ILogger logger, string check, string exceptionType, string error);
    }
}
