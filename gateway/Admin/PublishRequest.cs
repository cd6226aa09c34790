using System.Text.Json;

namespace HaloIlertGateway.Admin;

/// <summary>
/// <c>POST /_gateway/transforms/{name}/versions</c>: the script, why (<see cref="Message"/>, required), the fixture
/// file (a JSON object, or its text as a string; left out: the serving version's fixtures), and the settings (a JSON
/// object, with <c>Gateway:Transforms:Source</c> <c>Store</c> only; left out: the serving version's).
/// <see cref="Origin"/> is <c>api</c> (default), <c>cli</c> or <c>page</c>.
/// </summary>
internal sealed record PublishRequest(string? Script, JsonElement Fixtures, JsonElement Settings, string? Message, string? Origin);
