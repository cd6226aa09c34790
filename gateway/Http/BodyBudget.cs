using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Http;

/// <summary>
/// The gateway-wide budget of request bodies held in memory (<see cref="LimitsOptions.MaxBufferedBodyBytes"/>), each
/// client's share of it, and the part of it kept for known senders (<see cref="LimitsOptions.ReservedForKnownBytes"/>).
/// A request takes bytes from it as they arrive (<see cref="BodyLease.TryTake"/>) and gives them all back when it ends,
/// whatever happened. Nothing is allocated by a declared length: a sender that declares a megabyte and trickles a byte
/// a second holds a byte a second.
/// </summary>
internal sealed class BodyBudget(IOptions<LimitsOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byClient = new(StringComparer.Ordinal);
    private long _held;

    /// <summary>Bytes held now, across every request.</summary>
    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>The Retry-After of a request refused for the budget.</summary>
    public int RetryAfterSeconds => options.Value.BusyRetryAfterSeconds;

    /// <summary>How long reading one body may take.</summary>
    public TimeSpan ReadTimeout => options.Value.BodyReadTimeout;

    /// <summary>The lease of <paramref name="context"/>'s request: one per request, given back when the request ends.</summary>
    public BodyLease LeaseFor(HttpContext context)
    {
        if (context.Features.Get<BodyLease>() is { } lease)
        {
            return lease;
        }

        lease = new BodyLease(this, ClientAddress.Of(context));
        context.Features.Set(lease);
        context.Response.RegisterForDispose(lease);
        return lease;
    }

    internal bool TryTake(string client, long bytes, bool known)
    {
        var limits = options.Value;
        var budget = known ? limits.MaxBufferedBodyBytes : limits.MaxBufferedBodyBytes - limits.ReservedForKnownBytes;
        lock (_gate)
        {
            var clientHeld = _byClient.GetValueOrDefault(client);
            if (_held + bytes > budget || clientHeld + bytes > limits.MaxBufferedBodyBytesPerClient)
            {
                return false;
            }

            _held += bytes;
            _byClient[client] = clientHeld + bytes;
            return true;
        }
    }

    internal void Give(string client, long bytes)
    {
        lock (_gate)
        {
            _held -= bytes;
            var left = _byClient.GetValueOrDefault(client) - bytes;
            if (left > 0)
            {
                _byClient[client] = left;
            }
            else
            {
                // An address holding nothing is forgotten: the map is as large as the set of senders being read now.
                _byClient.Remove(client);
            }
        }
    }
}
