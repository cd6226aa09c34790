using System.Text.Json.Nodes;

namespace HaloIlertGateway.Admin;

/// <summary>A request the demo receiver got in ilert's place: the path (keys masked) and the body as sent.</summary>
internal sealed record DemoDelivery(DateTimeOffset At, string Method, string Path, JsonNode? Body);
