using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HaloIlertGateway.Scripting.Fixtures;

/// <summary>
/// A request written as JSON: a fixture case's input, and the test endpoint's. A body with a JSON content type
/// (the default) is JSON; with another content type, a string: the raw text, or the encoded form.
/// </summary>
internal sealed record FixtureRequest(
    [property: JsonPropertyName("method")] string Method = "POST",
    [property: JsonPropertyName("path")] string Path = "/",
    [property: JsonPropertyName("query")] IReadOnlyDictionary<string, string>? Query = null,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string>? Headers = null,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, string>? Params = null)
{
    /// <summary>The body: JSON, or a string sent as it is when the headers give a non-JSON content type. A property, not a
    /// constructor parameter: a <see cref="JsonElement"/> default value cannot be described in an OpenAPI schema.</summary>
    [JsonPropertyName("body")]
    public JsonElement Body { get; init; }

    public IncomingRequest ToTransformRequest()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            headers[name.ToLowerInvariant()] = value;
        }

        var body = Body.ValueKind switch
        {
            JsonValueKind.Undefined => TransformBody.None,
            JsonValueKind.String when headers.TryGetValue("content-type", out var type) && !type.Contains("json", StringComparison.OrdinalIgnoreCase)
                => new TransformBody(TransformBody.KindOf(type, 1), Encoding.UTF8.GetBytes(Body.GetString() ?? string.Empty)),
            _ => TransformBody.Json(JsonSerializer.SerializeToUtf8Bytes(Body)),
        };
        if (body.Kind == TransformBodyKind.Json)
        {
            headers.TryAdd("content-type", "application/json");
        }

        return new IncomingRequest(Method, Path, Query ?? new Dictionary<string, string>(), headers, Params ?? new Dictionary<string, string>(), body);
    }
}
