using System.Text.Json.Nodes;

namespace HaloIlertGateway.Admin;

/// <summary>A dead letter as listed (no body) or read (body masked).</summary>
internal sealed record DeadLetterView(
    long Id, string Kind, string Reason, string Route, string Method, string Path, IEnumerable<string> HeaderNames, DateTimeOffset CreatedAt,
    DateTimeOffset DeadAt, int Attempts, int? LastStatus, JsonNode? Body);
