using HaloIlertGateway.Problems;

namespace HaloIlertGateway.Admin;

/// <summary>
/// What keeps a web page on another site from using the management port through the operator's browser: every answer
/// says it may not be framed, sniffed or leak a referrer, and the page runs only its own script
/// (<see cref="OperatorPage.ContentSecurityPolicy"/>); a state-changing request that a browser marks as cross-site
/// (<c>Sec-Fetch-Site</c>, or an <c>Origin</c> that is not this host) is refused with 403 before anything runs.
/// A request with neither header comes from a program (curl, a script), not from a page.
/// </summary>
internal static class ManagementBrowserDefenses
{
    public static IApplicationBuilder UseBrowserDefenses(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = OperatorPage.ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        var method = context.Request.Method;
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)) && IsCrossSite(context.Request))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, GatewayProblems.CrossSite, "Cross-site request refused.",
                "The management API does not take state-changing requests from other sites.");
            return;
        }

        await next(context);
    });

    private static bool IsCrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is not ("same-origin" or "none");
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
