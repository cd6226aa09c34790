using Yarp.ReverseProxy.Transforms.Builder;

namespace HaloIlertGateway.Security;

/// <summary>
/// Route transform <c>{ "InjectCredential": "Authorization", "Secret": "env:ILERT_API_TOKEN", "Prefix": "Bearer " }</c>:
/// the upstream credential comes from a secret, never from the client or from proxy.json. A route that injects a
/// credential must authenticate its callers (see <see cref="CredentialRules"/>).
/// </summary>
internal sealed class InjectCredentialTransformFactory(CredentialRules rules, SecretStore store) : ITransformFactory
{
    public const string Key = "InjectCredential";
    public const string SecretKey = "Secret";
    public const string PrefixKey = "Prefix";

    public bool Validate(TransformRouteValidationContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (!transformValues.TryGetValue(Key, out var header))
        {
            return false;
        }

        var where = $"Route '{context.Route.RouteId}': {Key} '{header}'";
        if (transformValues.Keys.Except([Key, SecretKey, PrefixKey]).FirstOrDefault() is { } unknown)
        {
            context.Errors.Add(new ArgumentException($"{where}: unknown key '{unknown}' (use {SecretKey} and {PrefixKey})."));
        }

        if (string.IsNullOrWhiteSpace(header) || header.Any(c => char.IsWhiteSpace(c) || c == ':'))
        {
            context.Errors.Add(new ArgumentException($"{where}: not a header name."));
        }

        if (rules.DescribeUnusableSecret(transformValues.GetValueOrDefault(SecretKey)) is { } secretProblem)
        {
            context.Errors.Add(new ArgumentException($"{where}: {secretProblem}"));
        }

        if (CredentialRules.DescribeAnonymousUse(context.Route, $"an injected credential ({header})") is { } anonymous)
        {
            context.Errors.Add(new ArgumentException(anonymous));
        }

        return true;
    }

    public bool Build(TransformBuilderContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (!transformValues.TryGetValue(Key, out var header))
        {
            return false;
        }

        if (!SecretReference.TryParse(transformValues.GetValueOrDefault(SecretKey), out var secret))
        {
            throw new InvalidOperationException($"Route '{context.Route.RouteId}': {Key} was built without a valid secret.");
        }

        context.RequestTransforms.Add(new InjectCredentialTransform(header, transformValues.GetValueOrDefault(PrefixKey) ?? string.Empty, secret!, store));
        return true;
    }

    /// <summary>The headers a route injects (hidden from and protected against its script).</summary>
    public static IEnumerable<string> InjectedHeaders(Yarp.ReverseProxy.Configuration.RouteConfig route) =>
        route.Transforms?.Where(t => t.ContainsKey(Key)).Select(t => t[Key]) ?? [];
}
