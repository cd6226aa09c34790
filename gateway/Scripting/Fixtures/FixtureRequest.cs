using System.Text.Json;
using System.Text.Json.Serialization;

namespace HaloIlertGateway.Scripting.Fixtures;

/// <summary>The request of a case. A body with a JSON content type (the default) is JSON; otherwise a string of text.</summary>
internal sealed record FixtureRequest(
    [property: JsonPropertyName("method")] string Method = "POST",
    [property: JsonPropertyName("path")] string Path = "/",
    [property: JsonPropertyName("query")] IReadOnlyDictionary<string, string>? Query = null,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string>? Headers = null,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, string>? Params = null,
    [property: JsonPropertyName("body")] JsonElement Body = default);
