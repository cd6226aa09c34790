namespace HaloIlertGateway.Security;

/// <summary>
/// Reads a request's body whole, up to a limit, and puts the bytes back as the request's body so that whatever
/// comes next (the transform, or YARP) reads exactly what was verified.
/// </summary>
internal static class BufferedBody
{
    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (then nothing more is read).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[Math.Min(limit + 1, 16 * 1024)];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return null;
            }
        }

        var body = buffer.ToArray();
        request.Body = new MemoryStream(body, writable: false);
        return body;
    }
}
