using System.Security.Cryptography;
using System.Text;
using HaloIlertGateway.Problems;

namespace HaloIlertGateway.Admin;

internal static class ManagementTokenMiddleware
{
    /// <summary>
    /// When a token is configured, every request must carry <c>Authorization: Bearer &lt;token&gt;</c>; compared in
    /// constant time (of SHA-256 digests, so that not even the length leaks). A failure says only 401.
    /// </summary>
    public static IApplicationBuilder UseManagementToken(this IApplicationBuilder app, string? token)
    {
        if (token is null)
        {
            return app;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return app.Use(async (context, next) =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : string.Empty;
            if (!CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(presented))))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, GatewayProblems.Unauthorized, "Unauthorized.");
                return;
            }

            await next(context);
        });
    }
}
