using System.Text.Json;

namespace HaloIlertGateway.Admin;

/// <summary>
/// <c>POST /_gateway/transforms/{name}/versions</c>: the script, why (<see cref="Message"/>, required), and the fixture
/// file (a JSON object, or its text as a string; left out: the serving version's fixtures). <see cref="Origin"/> is
/// <c>api</c> (default), <c>cli</c> or <c>page</c>.
/// </summary>
internal sealed record PublishRequest(string? Script, JsonElement Fixtures, string? Message, string? Origin);
