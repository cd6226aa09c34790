namespace HaloIlertGateway.Admin;

/// <summary>
/// The role a management request needs, decided here and nowhere else, as an allow-list: every <c>GET</c> and
/// <c>HEAD</c>, and a transform's test run (<c>POST /_gateway/transforms/{name}/test</c>, which forwards nothing),
/// need <see cref="ManagementRole.Read"/>; any other method under the delivery paths (dead letters, deliveries,
/// the outbox, keys) <see cref="ManagementRole.Operate"/>; under <c>/_gateway/transforms</c>
/// <see cref="ManagementRole.Edit"/>; everything else <see cref="ManagementRole.Admin"/>, so that an endpoint added
/// later needs the highest role until it is listed here. Paths are compared as routing compares them (by segment, in
/// any case).
/// </summary>
internal static class RequiredRole
{
    private static readonly PathString Transforms = "/_gateway/transforms";

    private static readonly PathString[] Operations = ["/_gateway/deadletters", "/_gateway/deliveries", "/_gateway/outbox", "/_gateway/keys"];

    public static ManagementRole For(string method, PathString path)
    {
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || (HttpMethods.IsPost(method) && IsTestRun(path)))
        {
            return ManagementRole.Read;
        }

        if (Operations.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return ManagementRole.Operate;
        }

        return path.StartsWithSegments(Transforms, StringComparison.OrdinalIgnoreCase) ? ManagementRole.Edit : ManagementRole.Admin;
    }

    /// <summary><c>/_gateway/transforms/{name}/test</c>: exactly those segments, the name not empty.</summary>
    private static bool IsTestRun(PathString path) =>
        path.StartsWithSegments(Transforms, StringComparison.OrdinalIgnoreCase, out var rest)
        && rest.Value is { } value
        && value.Split('/') is ["", { Length: > 0 }, var action]
        && string.Equals(action, "test", StringComparison.OrdinalIgnoreCase);
}
