using System.Buffers;

namespace HaloIlertGateway.Http;

/// <summary>
/// Reads a request body whole, in chunks from the shared pool, up to a limit, within the request's
/// <see cref="BodyLease"/> and within its read timeout: never by the length the request declares, so a declared
/// megabyte that never arrives costs nothing, and a body kept open is cut off. The one way every part of the gateway
/// that needs a whole body (transform routes, signature checks, the prefix kept of a refused body) reads it, once per
/// request.
/// </summary>
internal static class RequestBodyReader
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>
    /// The body when it is at most <paramref name="limit"/> bytes; else <see cref="BodyReadStatus.TooLarge"/> with its
    /// first <paramref name="keep"/> bytes at most (nothing more is read); or <see cref="BodyReadStatus.OverBudget"/>
    /// (what was read so far) when the lease refused more.
    /// </summary>
    public static async Task<BodyRead> ReadAsync(HttpRequest request, int limit, int keep, BodyLease lease, CancellationToken cancellationToken)
    {
        // A body read whole already (to verify its signature) is not read, or counted, twice.
        if (request.HttpContext.Features.Get<ReadWhole>() is { } whole)
        {
            return whole.Body.Length > limit
                ? new BodyRead(whole.Body[..Math.Min(whole.Body.Length, keep)], BodyReadStatus.TooLarge)
                : new BodyRead(whole.Body, BodyReadStatus.Complete);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(lease.ReadTimeout);
        try
        {
            var read = await ReadChunksAsync(request, limit, keep, lease, deadline.Token);
            if (read.Status == BodyReadStatus.Complete)
            {
                request.HttpContext.Features.Set(new ReadWhole(read.Body));
            }

            return read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new BodyRead([], BodyReadStatus.TimedOut);
        }
    }

    private static async Task<BodyRead> ReadChunksAsync(HttpRequest request, int limit, int keep, BodyLease lease, CancellationToken cancellationToken)
    {
        // A declared length over the limit is refused before anything is read: only the prefix kept is read then.
        var declaredTooLarge = request.ContentLength > limit;
        // One byte past the limit tells a body over it from one exactly at it.
        var readUpTo = declaredTooLarge ? keep : limit + 1L;
        var chunks = new List<byte[]>();
        var total = 0;
        var filled = ChunkSize;
        try
        {
            while (total < readUpTo)
            {
                if (filled == ChunkSize)
                {
                    chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                    filled = 0;
                }

                var read = await request.Body.ReadAsync(chunks[^1].AsMemory(filled, (int)Math.Min(ChunkSize - filled, readUpTo - total)), cancellationToken);
                if (read == 0)
                {
                    return new BodyRead(Copy(chunks, total), declaredTooLarge ? BodyReadStatus.TooLarge : BodyReadStatus.Complete);
                }

                if (!lease.TryTake(read))
                {
                    return new BodyRead([], BodyReadStatus.OverBudget);
                }

                filled += read;
                total += read;
            }

            return new BodyRead(Copy(chunks, (int)Math.Min(total, keep)), BodyReadStatus.TooLarge);
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    private static byte[] Copy(List<byte[]> chunks, int length)
    {
        var body = length == 0 ? [] : new byte[length];
        var at = 0;
        foreach (var chunk in chunks)
        {
            var part = Math.Min(chunk.Length, length - at);
            if (part <= 0)
            {
                break;
            }

            Buffer.BlockCopy(chunk, 0, body, at, part);
            at += part;
        }

        return body;
    }
}

/// <summary>A request's body as it was read whole, for a later reader of the same request.</summary>
internal sealed record ReadWhole(byte[] Body);

/// <summary>A body read by <see cref="RequestBodyReader"/>: its bytes (all, or a kept prefix) and how the read ended.</summary>
internal readonly record struct BodyRead(byte[] Body, BodyReadStatus Status);

internal enum BodyReadStatus
{
    /// <summary>The whole body, within the limit.</summary>
    Complete,

    /// <summary>Over the limit: the bytes are a prefix, kept for a dead letter.</summary>
    TooLarge,

    /// <summary>The body budget (or the client's share) is spent: the request is refused, nothing is kept.</summary>
    OverBudget,

    /// <summary>The body was not read within <see cref="LimitsOptions.BodyReadTimeout"/>: the request is refused, nothing is kept.</summary>
    TimedOut,
}
