namespace HaloIlertGateway.Ingest;

/// <summary>The 202 body when an event is kept for later delivery: <c>{"status":"queued","id":42}</c>.</summary>
internal sealed record QueuedResponse(string Status, long Id);
