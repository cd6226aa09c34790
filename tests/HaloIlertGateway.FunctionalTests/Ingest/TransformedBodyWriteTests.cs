using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Ingest;

/// <summary>
/// A transformed body is whole in memory: it leaves with its headers in one write, where YARP's own content sends the
/// headers first and the body after (two sends per request, and an upstream woken twice).
/// </summary>
public sealed class TransformedBodyWriteTests
{
    private const string Script = """
        function transform(request) {
          request.body = { summary: "disk full on " + request.body.host, eventType: "ALERT" };
          return request;
        }
        """;

    [Fact]
    public async Task TheUpstreamsFirstReadHoldsTheHeadersAndTheWholeTransformedBody()
    {
        await using var upstream = RecordingUpstream.Start();
        await using var harness = await GatewayHarness.CreateAsync(
            new Dictionary<string, string> { ["onewrite"] = Script },
            gateway =>
            {
                gateway.WithTransformRoute("onewrite", "onewrite", direct: true);
                gateway.Settings["ReverseProxy:Clusters:ilert:Destinations:primary:Address"] = upstream.Address;
            });

        for (var i = 0; i < 3; i++)
        {
            using var response = await harness.PostJsonAsync(TestRoutes.PathOf("onewrite", "il1hps-onewrite"), $$"""{"host":"srv-{{i}}"}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Three requests in turn (the start-up warm-up's HEAD aside).
        var posts = upstream.FirstReads.Where(read => read.StartsWith("POST ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, posts.Count);
        for (var i = 0; i < 3; i++)
        {
            var body = $$"""{"summary":"disk full on srv-{{i}}","eventType":"ALERT"}""";
            Assert.EndsWith("\r\n\r\n" + body, posts[i], StringComparison.Ordinal);
            Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", posts[i], StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>An HTTP/1.1 upstream on loopback that records what the first read of each request returned, then answers 200.</summary>
    private sealed class RecordingUpstream : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentQueue<Socket> _accepted = new();
        private Task _accepting = Task.CompletedTask;

        public ConcurrentQueue<string> FirstReads { get; } = new();

        public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

        public static RecordingUpstream Start()
        {
            var upstream = new RecordingUpstream();
            upstream._listener.Start();
            upstream._accepting = upstream.AcceptAsync();
            return upstream;
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            while (_accepted.TryDequeue(out var socket))
            {
                socket.Dispose();
            }

            await _accepting;
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    _accepted.Enqueue(socket);
                    _ = ServeAsync(socket);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopped.
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var read = await socket.ReceiveAsync(buffer);
                    if (read == 0)
                    {
                        return;
                    }

                    var request = Encoding.UTF8.GetString(buffer, 0, read);
                    FirstReads.Enqueue(request);
                    // The rest of the request, when the first read did not hold it all.
                    while (!IsComplete(request))
                    {
                        var more = await socket.ReceiveAsync(buffer);
                        if (more == 0)
                        {
                            return;
                        }

                        request += Encoding.UTF8.GetString(buffer, 0, more);
                    }

                    await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The gateway or the test closed the connection.
            }
        }

        private static bool IsComplete(string request)
        {
            var end = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            var length = request[..end].Split("\r\n")
                .Select(line => line.Split(':', 2))
                .Where(parts => parts.Length == 2 && parts[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(parts => int.Parse(parts[1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                .FirstOrDefault();
            return Encoding.UTF8.GetByteCount(request[(end + 4)..]) >= length;
        }
    }
}
