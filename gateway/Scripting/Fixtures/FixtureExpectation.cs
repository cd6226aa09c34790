using System.Text.Json;
using System.Text.Json.Serialization;

namespace HaloIlertGateway.Scripting.Fixtures;

/// <summary>
/// What a case must produce: <see cref="Error"/> (a failure whose message contains it), <see cref="Drop"/> (a drop
/// whose reason contains it), or a forwarded request whose path, query, headers (those listed) and body
/// (JSON-equal) are as given. Members left out are not checked.
/// </summary>
internal sealed record FixtureExpectation(
    [property: JsonPropertyName("path")] string? Path = null,
    [property: JsonPropertyName("query")] IReadOnlyDictionary<string, string>? Query = null,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string>? Headers = null,
    [property: JsonPropertyName("body")] JsonElement Body = default,
    [property: JsonPropertyName("drop")] string? Drop = null,
    [property: JsonPropertyName("error")] string? Error = null);
