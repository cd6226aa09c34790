using System.Text.Json;
using System.Text.Json.Serialization;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Hosting;

/// <summary>Source-generated JSON for the bodies the gateway writes itself.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DroppedResponse))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
