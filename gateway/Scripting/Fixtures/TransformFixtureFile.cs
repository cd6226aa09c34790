using System.Text.Json;
using System.Text.Json.Serialization;

namespace HaloIlertGateway.Scripting.Fixtures;

/// <summary>
/// <c>transforms/&lt;name&gt;.fixtures.json</c>: cases of input and expected output for one transform, run by
/// <c>dotnet test</c>. <see cref="Settings"/> applies to every case that has none of its own.
/// </summary>
internal sealed record TransformFixtureFile(
    [property: JsonPropertyName("settings")] JsonElement Settings,
    [property: JsonPropertyName("cases")] IReadOnlyList<TransformFixtureCase> Cases)
{
    public const string Suffix = ".fixtures.json";

    public static readonly JsonSerializerOptions JsonOptions = new() { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static TransformFixtureFile Load(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<TransformFixtureFile>(stream, JsonOptions)
            ?? throw new InvalidDataException($"{path}: empty fixture file");
    }

    /// <summary>A fixture file's text, as a version keeps it. Throws <see cref="JsonException"/> where it is not valid.</summary>
    public static TransformFixtureFile Parse(string text) =>
        JsonSerializer.Deserialize<TransformFixtureFile>(text, JsonOptions) ?? throw new JsonException("the fixture file is empty (null)");
}
