using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// The gateway as a real process (<c>dotnet HaloIlertGateway.dll</c>) on a loopback port, run from a content root of
/// its own (a copy of the repository's proxy.json and transforms/), so that it can be killed and started again.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private Process? _process;

    public GatewayProcess(Uri ilert, params string[] settings)
    {
        ContentRoot = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        File.Copy(RepositoryPaths.ProxyConfig, Path.Combine(ContentRoot, "proxy.json"));
        var transforms = Directory.CreateDirectory(Path.Combine(ContentRoot, "transforms")).FullName;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Transforms))
        {
            File.Copy(file, Path.Combine(transforms, Path.GetFileName(file)));
        }

        Address = new Uri($"http://127.0.0.1:{FreePort()}");
        _arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "HaloIlertGateway.dll"),
            $"--urls={Address}",
            $"--ReverseProxy:Clusters:ilert:Destinations:primary:Address={ilert}",
            "--Gateway:Management:Urls=http://127.0.0.1:0",
            .. settings,
        ];
    }

    public string ContentRoot { get; }

    public Uri Address { get; }

    /// <summary>Starts the process and waits until <c>/healthz</c> answers.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = ContentRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            Assert.False(_process.HasExited, $"the gateway exited with {(_process.HasExited ? _process.ExitCode : 0)}");
            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, "the gateway did not start within 30 s");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing graceful.</summary>
    public async Task KillAsync()
    {
        _process!.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await KillAsync();
        }

        _process?.Dispose();
        Directory.Delete(ContentRoot, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
