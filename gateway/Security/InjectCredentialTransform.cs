using HaloIlertGateway.Problems;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Security;

/// <summary>
/// Sets <paramref name="header"/> on the outgoing request to <paramref name="prefix"/> + the secret's current value,
/// replacing any copy the client sent. The value is read when each request is sent, so a rotated secret applies at once.
/// </summary>
internal sealed class InjectCredentialTransform(string header, string prefix, SecretReference secret, SecretStore store) : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        RemoveHeader(context, header);
        if (store.Read(secret) is not { } value)
        {
            return new ValueTask(GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status503ServiceUnavailable, GatewayProblems.CredentialUnavailable,
                "The gateway's upstream credential is not available.", "An operator needs to check the gateway's secrets."));
        }

        AddHeader(context, header, prefix + value);
        return ValueTask.CompletedTask;
    }
}
