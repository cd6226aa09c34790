using Yarp.ReverseProxy.Transforms.Builder;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Route config key <c>"JsTransform": "&lt;name&gt;"</c>. A route naming a transform that is missing or does not
/// compile is a config error (with the file and position), so YARP refuses the config as a whole.
/// </summary>
internal sealed class JsTransformFactory(ScriptCatalog catalog) : ITransformFactory
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
        else if (!ScriptCatalog.IsValidName(name))
        {
            context.Errors.Add(new ArgumentException($"Route '{context.Route.RouteId}': '{name}' is not a transform name (lower-case letters, digits, '-' and '_')."));
        }
        else if (!catalog.TryGet(name, out _))
        {
            context.Errors.Add(new ArgumentException($"Route '{context.Route.RouteId}': {Key} '{name}': {catalog.DescribeMissing(name)}"));
        }

        return true;
    }

    public bool Build(TransformBuilderContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (!transformValues.TryGetValue(Key, out var name))
        {
            return false;
        }

        context.RequestTransforms.Add(ActivatorUtilities.CreateInstance<JsRequestTransform>(context.Services, name, context.Route.RouteId));
        return true;
    }
}
