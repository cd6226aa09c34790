using HaloIlertGateway.Problems;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Security;

/// <summary>
/// Sets the credential's header on the outgoing request to its prefix + the secret's current value or the outbound
/// credential's current token, replacing any copy the client sent. The value is read when each request is sent, so a
/// rotated secret applies at once; a token is fetched here when there is none yet or it is due for refresh.
/// </summary>
internal sealed class InjectCredentialTransform(InjectedCredential credential, SecretStore store, OutboundAuthTokens tokens) : RequestTransform
{
    public override async ValueTask ApplyAsync(RequestTransformContext context)
    {
        RemoveHeader(context, credential.Header);
        string? value;
        try
        {
            value = await credential.ReadAsync(store, tokens, context.HttpContext.RequestAborted);
        }
        catch (OutboundTokenUnavailableException)
        {
            // Logged by the token provider with its cause; the client learns only that the credential is missing.
            value = null;
        }

        if (value is null)
        {
            await GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status503ServiceUnavailable, GatewayProblems.CredentialUnavailable,
                "The gateway's upstream credential is not available.", "An operator needs to check the gateway's secrets.");
            return;
        }

        AddHeader(context, credential.Header, credential.Prefix + value);
    }
}
