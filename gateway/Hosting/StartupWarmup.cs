using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Serilog.Context;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace HaloIlertGateway.Hosting;

/// <summary>
/// Runs once the server listens, before <c>/readyz</c> may say Ready: what the first request would otherwise pay for.
/// Transforms are already compiled and run (their warm-up run and fixtures, at load); this adds the forwarder and the
/// upstream connection (TLS included), through the same HTTP client YARP and delivery use, and the public pipeline.
/// Measured in <c>bench/cold-start.sh</c>. Nothing here can fail a start: every step is bounded and only logged.
/// </summary>
internal sealed partial class StartupWarmup(
    IProxyStateLookup proxy,
    IHttpForwarder forwarder,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<WarmupOptions> options,
    ILogger<StartupWarmup> logger) : BackgroundService
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// A log property set while the forwarder sends a warm-up request: what YARP logs then (a 20-line stack when the
    /// upstream cannot be reached) is left out, and the warm-up says it in one line of its own.
    /// </summary>
    public const string LogProperty = "GatewayWarmup";

    /// <summary>The User-Agent of the warm-up requests, so that they can be told apart upstream.</summary>
    public const string UserAgent = "HaloIlertGateway-warmup";

    /// <summary>
    /// The header the warm-up's own request to the public port carries, with <see cref="Marker"/>: a value only this
    /// process knows, so that no client can pass for the warm-up (and keep its requests off the operator page).
    /// </summary>
    public const string MarkerHeader = "X-HaloIlertGateway-Warmup";

    /// <summary>This process's warm-up marker (random, made at start).</summary>
    public static readonly string Marker = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>True once the warm-up finished, failed or ran out of time (or is turned off).</summary>
    public bool IsComplete => _done.Task.IsCompleted;

    /// <summary>Completes when <see cref="IsComplete"/> turns true; never faults.</summary>
    public Task Completion => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!options.Value.Enabled)
            {
                return;
            }

            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(options.Value.Timeout);
            var stopwatch = Stopwatch.StartNew();
            var steps = await Task.WhenAll(WarmUpstreamsAsync(timeout.Token), WarmListenerAsync(timeout.Token));
            var answered = steps[0] + steps[1];
            Log.Completed(logger, answered, stopwatch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before the warm-up finished: nothing to report.
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    /// <summary><c>HEAD /</c> to each cluster's first destination; returns how many answered (any status).</summary>
    private async Task<int> WarmUpstreamsAsync(CancellationToken cancellationToken)
    {
        var warmed = 0;
        foreach (var cluster in proxy.GetClusters())
        {
            if (cluster.Model.HttpClient is not { } client || cluster.DestinationsState.AllDestinations is not [var destination, ..])
            {
                continue;
            }

            // A request of the gateway's own: no client header, no credential (the route transforms are not applied).
            var context = new DefaultHttpContext { RequestAborted = cancellationToken };
            context.Request.Method = HttpMethods.Head;
            context.Request.Path = "/";
            context.Request.Headers.UserAgent = UserAgent;
            context.Response.Body = Stream.Null;
            var config = new ForwarderRequestConfig { ActivityTimeout = options.Value.Timeout };
            try
            {
                ForwarderError error;
                using (LogContext.PushProperty(LogProperty, true))
                {
                    error = await forwarder.SendAsync(context, destination.Model.Config.Address, client, config, HttpTransformer.Empty, cancellationToken);
                }

                if (error == ForwarderError.None)
                {
                    warmed++;
                }
                else
                {
                    Log.StepFailed(logger, $"cluster '{cluster.ClusterId}'", error.ToString());
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                Log.StepFailed(logger, $"cluster '{cluster.ClusterId}'", ex.GetType().Name);
            }
        }

        return warmed;
    }

    /// <summary><c>GET /healthz</c> on the first plain-HTTP public address (absent under a test server); 1 if it answered.</summary>
    private async Task<int> WarmListenerAsync(CancellationToken cancellationToken)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(LoopbackUri)
            .FirstOrDefault(uri => uri is not null);
        if (address is null)
        {
            return 0;
        }

        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
            client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            client.DefaultRequestHeaders.Add(MarkerHeader, Marker);
            using var response = await client.GetAsync(new Uri(address, "/healthz"), cancellationToken);
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Log.StepFailed(logger, "the public listener", ex.GetType().Name);
            return 0;
        }
    }

    /// <summary>A listening address as a URI a local client can reach: wildcard hosts become 127.0.0.1; https is skipped.</summary>
    internal static Uri? LoopbackUri(string address)
    {
        var binding = BindingAddress.Parse(address);
        if (!string.Equals(binding.Scheme, "http", StringComparison.OrdinalIgnoreCase) || binding.IsUnixPipe || binding.Port <= 0)
        {
            return null;
        }

        var host = binding.Host is "+" or "*" or "0.0.0.0" or "[::]" or "::" or "localhost" ? "127.0.0.1" : binding.Host;
        return Uri.TryCreate($"http://{host}:{binding.Port}/", UriKind.Absolute, out var uri) ? uri : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Warm-up done: {Warmed} upstream and listener checks answered in {ElapsedMs} ms")]
        public static partial void Completed(ILogger logger, int warmed, long elapsedMs);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Warm-up of {Target} did not answer ({Reason}); the first request there will open its connection itself")]
        public static partial void StepFailed(ILogger logger, string target, string reason);
    }
}
