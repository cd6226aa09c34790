using System.Text.Json;
using System.Text.Json.Serialization;

namespace HaloIlertGateway.Ingest;

/// <summary>Source-generated JSON for the bodies the gateway writes itself.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DroppedResponse))]
[JsonSerializable(typeof(QueuedResponse))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
