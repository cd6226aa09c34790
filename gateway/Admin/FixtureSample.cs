using System.Text.Json.Nodes;

namespace HaloIlertGateway.Admin;

/// <summary>A fixture case as a playground sample: its request and settings.</summary>
internal sealed record FixtureSample(string Name, FixtureSample.SampleRequest Request, JsonNode? Settings)
{
    public sealed record SampleRequest(
        string? Method, string? Path, IReadOnlyDictionary<string, string>? Query, IReadOnlyDictionary<string, string>? Headers,
        IReadOnlyDictionary<string, string>? Params, JsonNode? Body);
}
