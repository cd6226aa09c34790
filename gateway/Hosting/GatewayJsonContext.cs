using System.Text.Json;
using System.Text.Json.Serialization;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Hosting;

/// <summary>Source-generated JSON for the bodies the gateway writes itself.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DroppedResponse))]
[JsonSerializable(typeof(QueuedResponse))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
