namespace HaloIlertGateway.Ingest;

/// <summary>The 202 body when a transform drops a request: <c>{"status":"dropped","reason":"..."}</c>.</summary>
internal sealed record DroppedResponse(string Status, string Reason);
