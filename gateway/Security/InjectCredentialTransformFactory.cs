using Yarp.ReverseProxy.Transforms.Builder;

namespace HaloIlertGateway.Security;

/// <summary>
/// Route transform <c>{ "InjectCredential": "Authorization", "Secret": "env:ILERT_API_TOKEN", "Prefix": "Bearer " }</c>,
/// or <c>{ "InjectCredential": "Authorization", "OutboundAuth": "halo" }</c> for a token of <c>Gateway:OutboundAuth</c>:
/// the upstream credential comes from a secret or a token the gateway fetched, never from the client or from
/// proxy.json. A route that injects a credential must authenticate its callers (see <see cref="CredentialRules"/>).
/// </summary>
internal sealed class InjectCredentialTransformFactory(CredentialRules rules, SecretStore store, OutboundAuthTokens tokens) : ITransformFactory
{
    public const string Key = InjectedCredential.Key;
    public const string SecretKey = InjectedCredential.SecretKey;
    public const string OutboundAuthKey = InjectedCredential.OutboundAuthKey;
    public const string PrefixKey = InjectedCredential.PrefixKey;

    public bool Validate(TransformRouteValidationContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (!transformValues.TryGetValue(Key, out var header))
        {
            return false;
        }

        var where = $"Route '{context.Route.RouteId}': {Key} '{header}'";
        if (transformValues.Keys.Except([Key, SecretKey, OutboundAuthKey, PrefixKey]).FirstOrDefault() is { } unknown)
        {
            context.Errors.Add(new ArgumentException($"{where}: unknown key '{unknown}' (use {SecretKey} or {OutboundAuthKey}, and {PrefixKey})."));
        }

        if (string.IsNullOrWhiteSpace(header) || header.Any(c => char.IsWhiteSpace(c) || c == ':'))
        {
            context.Errors.Add(new ArgumentException($"{where}: not a header name."));
        }

        if (DescribeUnusableSource(transformValues) is { } sourceProblem)
        {
            context.Errors.Add(new ArgumentException($"{where}: {sourceProblem}"));
        }

        if (CredentialRules.DescribeAnonymousUse(context.Route, $"an injected credential ({header})") is { } anonymous)
        {
            context.Errors.Add(new ArgumentException(anonymous));
        }

        return true;
    }

    public bool Build(TransformBuilderContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (!transformValues.ContainsKey(Key))
        {
            return false;
        }

        var credential = InjectedCredential.From(transformValues)
            ?? throw new InvalidOperationException($"Route '{context.Route.RouteId}': {Key} was built without a valid secret or outbound auth.");
        context.RequestTransforms.Add(new InjectCredentialTransform(credential, store, tokens));
        if (credential.OutboundAuth is not null)
        {
            context.ResponseTransforms.Add(new RefusedTokenTransform(credential, tokens));
        }

        return true;
    }

    /// <summary>The headers a route injects (hidden from and protected against its script).</summary>
    public static IEnumerable<string> InjectedHeaders(Yarp.ReverseProxy.Configuration.RouteConfig route) =>
        InjectedCredential.Of(route).Select(c => c.Header);

    /// <summary>Why the transform's source of the value is unusable (never a secret's value), or null.</summary>
    private string? DescribeUnusableSource(IReadOnlyDictionary<string, string> transformValues)
    {
        var secret = transformValues.GetValueOrDefault(SecretKey);
        if (!transformValues.TryGetValue(OutboundAuthKey, out var auth))
        {
            return rules.DescribeUnusableSecret(secret);
        }

        if (secret is not null)
        {
            return $"give either {SecretKey} or {OutboundAuthKey}, not both.";
        }

        return tokens.IsDefined(auth)
            ? null
            : $"{OutboundAuthKey} '{auth}' is not defined in {OutboundAuthOptions.SectionName} ({(tokens.Names.Count == 0 ? "none is" : "defined: " + string.Join(", ", tokens.Names.Order(StringComparer.Ordinal)))}).";
    }
}
