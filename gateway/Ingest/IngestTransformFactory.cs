using HaloIlertGateway.Security;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Settings;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// Route config key <c>"JsTransform": "&lt;name&gt;"</c>. A route naming a transform that is missing or does not
/// compile is a config error (with the file and position), so YARP refuses the config as a whole.
/// </summary>
internal sealed class IngestTransformFactory(TransformCatalog catalog, IConfiguration configuration, CredentialRules rules, RouteCredentials credentials, IOptions<ScriptingOptions> options) : ITransformFactory
{
    public const string Key = "JsTransform";

    public bool Validate(TransformRouteValidationContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (!transformValues.TryGetValue(Key, out var name))
        {
            return false;
        }

        if (transformValues.Count != 1)
        {
            context.Errors.Add(new ArgumentException($"Route '{context.Route.RouteId}': '{Key}' takes no other keys in the same transform entry."));
        }
        else if (!TransformCatalog.IsValidName(name))
        {
            context.Errors.Add(new ArgumentException($"Route '{context.Route.RouteId}': '{name}' is not a transform name (lower-case letters, digits, '-' and '_')."));
        }
        else if (!catalog.TryGet(name, out var script))
        {
            context.Errors.Add(new ArgumentException($"Route '{context.Route.RouteId}': {Key} '{name}': {catalog.DescribeMissing(name)}"));
        }
        else if (script.Settings is { } declared)
        {
            // A value of the wrong kind, or a setting the script does not declare: named, never quoted.
            foreach (var problem in DeclaredSettingsCheck.ForRoute(configuration, name, declared, context.Route.RouteId))
            {
                context.Errors.Add(new ArgumentException($"Route '{context.Route.RouteId}': transform '{name}': {problem}"));
            }
        }

        if (IngestRoute.DescribeInvalidMetadata(context.Route) is { } metadataProblem)
        {
            context.Errors.Add(new ArgumentException(metadataProblem));
        }

        // Settings of a route's own (Routes:<route>:Settings) for a route that does not run this transform would be silently unused.
        foreach (var other in TransformSettingsProvider.RoutesWithOwnSettings(configuration, name))
        {
            if (!configuration.GetSection($"ReverseProxy:Routes:{other}:Transforms").GetChildren().Any(entry => entry[Key] == name))
            {
                context.Errors.Add(new ArgumentException($"{TransformSettingsProvider.SectionName}:{name}:Routes:{other}: there is no route '{other}' that runs transform '{name}'."));
            }
        }

        // A transform that is handed secrets (context.secrets) may only run for callers who authenticated.
        var secrets = TransformSettingsProvider.SecretReferences(configuration, name).ToList();
        foreach (var (secretName, reference) in secrets)
        {
            if (rules.DescribeUnusableSecret(reference) is { } secretProblem)
            {
                context.Errors.Add(new ArgumentException($"Route '{context.Route.RouteId}': transform '{name}' secret '{secretName}': {secretProblem}"));
            }
        }

        if (secrets.Count > 0 && CredentialRules.DescribeAnonymousUse(context.Route, $"transform '{name}', which is given secrets,") is { } anonymous)
        {
            context.Errors.Add(new ArgumentException(anonymous));
        }

        return true;
    }

    public bool Build(TransformBuilderContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (!transformValues.TryGetValue(Key, out var name))
        {
            return false;
        }

        var route = IngestRoute.From(context.Route, name, options.Value.MaxBodyBytes, credentials.HiddenHeaders(context.Route));
        context.RequestTransforms.Add(ActivatorUtilities.CreateInstance<IngestTransform>(context.Services, route));
        return true;
    }
}
