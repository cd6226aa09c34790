using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// The gateway as a real process (<c>dotnet HaloIlertGateway.dll</c>) on a loopback port, run from a content root of
/// its own (a copy of the repository's proxy.json and transforms/), so that it can be killed and started again.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private Process? _process;
    private ConcurrentQueue<string> _output = new();

    public GatewayProcess(Uri ilert, params string[] settings)
    {
        ContentRoot = RepositoryPaths.CopyContentRoot("gateway-process-");
        Address = new Uri($"http://127.0.0.1:{FreePort()}");
        _arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "HaloIlertGateway.dll"),
            $"--ReverseProxy:Clusters:ilert:Destinations:primary:Address={ilert}",
            "--Gateway:Management:Urls=http://127.0.0.1:0",
            .. settings,
        ];
    }

    public string ContentRoot { get; }

    public string TransformsDirectory => Path.Combine(ContentRoot, "transforms");

    public Uri Address { get; private set; }

    /// <summary>The last lines the process wrote (standard output and error).</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>The process's resident set size now, from <c>/proc/&lt;pid&gt;/status</c> (Linux).</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process!.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public bool HasExited => _process is { HasExited: true };

    /// <summary>The process id of the running gateway.</summary>
    public int ProcessId => _process!.Id;

    /// <summary>
    /// Starts the process and waits until <c>/healthz</c> answers. The free port found earlier can be taken by another
    /// test in the meantime: then the gateway starts again on a new one.
    /// </summary>
    public async Task StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var output = _output = Launch();
            if (await WaitUntilHealthyOrExitedAsync())
            {
                return;
            }

            await _process!.WaitForExitAsync();
            var portTaken = output.Any(line => line.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
            Assert.True(portTaken && attempt < 3, $"the gateway exited with {_process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, output.TakeLast(200))}");
            Address = new Uri($"http://127.0.0.1:{FreePort()}");
        }
    }

    /// <summary>Starts the process expecting it to refuse to start: its exit code and everything it wrote.</summary>
    public async Task<(int ExitCode, string Output)> StartExpectingRefusalAsync()
    {
        var output = _output = Launch();
        Assert.False(await WaitUntilHealthyOrExitedAsync(), "the gateway started");
        await _process!.WaitForExitAsync();
        return (_process.ExitCode, string.Join(Environment.NewLine, output));
    }

    /// <summary>Starts the process; its output is kept (the last 5,000 lines) for tests and the failure message.</summary>
    private ConcurrentQueue<string> Launch()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = ContentRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[.. _arguments, $"--urls={Address}"])
        {
            start.ArgumentList.Add(argument);
        }

        var output = new ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is not null)
            {
                output.Enqueue(line);
                while (output.Count > 5_000 && output.TryDequeue(out _))
                {
                }
            }
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return output;
    }

    /// <summary>
    /// True once <c>/healthz</c> answers and the process has logged that it listens on <see cref="Address"/>; false if
    /// it exits first. An answer alone is not enough: another test's gateway may hold the port for a while.
    /// </summary>
    private async Task<bool> WaitUntilHealthyOrExitedAsync()
    {
        // Kestrel logs this through Microsoft.Hosting.Lifetime, at Information in the shipped appsettings.json.
        var listening = $"Now listening on: http://127.0.0.1:{Address.Port}";
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!_process!.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode && _output.Any(line => line.EndsWith(listening, StringComparison.Ordinal)))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet (or something else holds the port: the process exits, and starts again on another).
            }

            Assert.True(DateTime.UtcNow < deadline, "the gateway did not start within 30 s");
            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>SIGTERM, as <c>docker stop</c> or Ctrl+C sends it: a graceful stop; its exit code once it has exited.</summary>
    public async Task<int> StopAsync()
    {
        Assert.Equal(0, Kill(_process!.Id, Sigterm));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

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
