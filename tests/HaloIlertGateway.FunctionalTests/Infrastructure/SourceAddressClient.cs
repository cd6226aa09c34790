using System.Net;
using System.Net.Sockets;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// An <see cref="HttpClient"/> whose connections come from a chosen local address, so that a real listener sees a
/// client other than 127.0.0.1 (such as a proxy at 127.0.0.2: Linux answers every 127/8 address on loopback).
/// </summary>
public static class SourceAddressClient
{
    public static HttpClient Create(IPAddress source, Uri baseAddress)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "binds a client to 127.0.0.2, which only Linux has on loopback without setup");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }
}
