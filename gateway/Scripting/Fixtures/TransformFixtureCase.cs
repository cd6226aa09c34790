using System.Text.Json;
using System.Text.Json.Serialization;

namespace HaloIlertGateway.Scripting.Fixtures;

/// <summary>One case: a request, optional settings / route / receivedAt, and what must come out.</summary>
internal sealed record TransformFixtureCase(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("request")] FixtureRequest Request,
    [property: JsonPropertyName("expect")] FixtureExpectation Expect,
    [property: JsonPropertyName("settings")] JsonElement Settings = default,
    [property: JsonPropertyName("route")] string? Route = null,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset? ReceivedAt = null)
{
    public override string ToString() => Name;
}
