using System.ComponentModel.DataAnnotations;
using HaloIlertGateway.Hosting;

namespace HaloIlertGateway.Http;

/// <summary>
/// What the public port holds in memory for requests it reads whole (transform routes, signature checks).
/// Section <c>Gateway:Limits</c>. Kestrel's own limits (connections, buffers, data rates) are under <c>Kestrel:Limits</c>.
/// </summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Gateway:Limits";

    /// <summary>
    /// Bytes of request bodies held at once, across every request being read. A body is counted as its bytes arrive
    /// (never by the length it declares) and given back when its request ends; a request that would go past the budget
    /// gets 503 with Retry-After at once. Default 64 MiB: with Kestrel's buffers (2,048 connections of 32 KiB) it
    /// leaves the shipped 384 MiB container more than half its memory for everything else.
    /// </summary>
    [Range(1_048_576, 4_294_967_296)]
    public long MaxBufferedBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The share of <see cref="MaxBufferedBodyBytes"/> one client may hold (its IPv4 address or IPv6 /64, after
    /// forwarded headers from trusted proxies, see <c>Gateway:ForwardedHeaders</c>), so that one sender cannot take it
    /// all. Default 16 MiB.
    /// </summary>
    [Range(65_536, 4_294_967_296)]
    public long MaxBufferedBodyBytesPerClient { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// The part of <see cref="MaxBufferedBodyBytes"/> only requests from senders the gateway knows may use: events of an
    /// integration key ilert has accepted, and requests on routes that authenticate their callers. Anonymous senders
    /// holding bodies open cannot take it. Default 16 MiB.
    /// </summary>
    [Range(0, 4_294_967_296)]
    public long ReservedForKnownBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// How long reading one body may take, in all: a sender that keeps a body open past it (sending just fast enough
    /// for Kestrel's minimum data rate) gets 408 and gives its share of the budget back. Default 30 seconds.
    /// </summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan BodyReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The Retry-After (seconds) of a 503 answered because the budget is spent. Default 2.</summary>
    [Range(1, 3_600)]
    public int BusyRetryAfterSeconds { get; set; } = 2;
}
