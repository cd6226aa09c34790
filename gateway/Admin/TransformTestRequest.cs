using System.Text.Json;
using HaloIlertGateway.Scripting.Fixtures;

namespace HaloIlertGateway.Admin;

/// <summary>
/// <c>POST /_gateway/transforms/{name}/test</c>: a request (the fixture request shape), and optionally a script to
/// run instead of the live version, settings instead of the configured ones, mock values for <c>context.secrets</c>
/// (the configured secrets are never used by a test run), and the route to report.
/// </summary>
internal sealed record TransformTestRequest(FixtureRequest? Request, string? Script = null, IReadOnlyDictionary<string, string>? Secrets = null, string? Route = null)
{
    /// <summary>Mock settings (a property: a <see cref="JsonElement"/> default value cannot be described in OpenAPI).</summary>
    public JsonElement Settings { get; init; }
}
