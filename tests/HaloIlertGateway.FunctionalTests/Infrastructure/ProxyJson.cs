using System.Text.Json;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>Edits to a proxy.json as a person makes them from a document's snippet: objects merged, values and lists replaced.</summary>
public static class ProxyJson
{
    /// <summary>Merges <paramref name="fragment"/> (members as a document shows them, e.g. <c>"Gateway": { ... }</c>) into the file.</summary>
    public static void Apply(string path, string fragment)
    {
        var document = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Merge(document, JsonNode.Parse("{" + fragment + "}")!.AsObject());
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is JsonObject inner && target[name] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }
}
