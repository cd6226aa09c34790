using HaloIlertGateway.Http;

namespace HaloIlertGateway.Security;

/// <summary>
/// Reads a request's body whole, up to a limit and within the body budget (<see cref="RequestBodyReader"/>), and puts
/// the bytes back as the request's body so that whatever comes next (the transform, or YARP) reads exactly what was
/// verified.
/// </summary>
internal static class BufferedBody
{
    /// <summary>The body (put back as the request's), or how the read ended when it did not give the whole body.</summary>
    public static async Task<BodyRead> ReadAsync(HttpRequest request, int limit, BodyLease lease, CancellationToken cancellationToken)
    {
        var read = await RequestBodyReader.ReadAsync(request, limit, keep: 0, lease, cancellationToken);
        if (read.Status == BodyReadStatus.Complete)
        {
            request.Body = new MemoryStream(read.Body, writable: false);
        }

        return read;
    }
}
