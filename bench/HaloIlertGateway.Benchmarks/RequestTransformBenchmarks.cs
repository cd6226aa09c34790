using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Ingest;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Transforms;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// The whole request transform of a (direct) HaloPSA route, body in and body out: read and check the body, run the
/// script, and rewrite YARP's outgoing request (path, headers, new body with its exact length).
/// </summary>
[MemoryDiagnoser]
public class RequestTransformBenchmarks
{
    private ServiceProvider _services = null!;
    private IngestTransform _transform = null!;
    private byte[] _body = null!;
    private string _contentRoot = null!;

    [GlobalSetup]
    public void Setup()
    {
        _contentRoot = Directory.CreateTempSubdirectory("gateway-bench-").FullName;
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(BenchmarkInputs.Repository, "proxy.json"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:Scripting:Directory"] = Path.Combine(BenchmarkInputs.Repository, "transforms") })
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IHostEnvironment>(new BenchmarkEnvironment(_contentRoot))
            .AddSingleton<IHostApplicationLifetime, BenchmarkLifetime>()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddGatewaySecurity().AddGatewayScripting().AddGatewayDelivery().AddGatewayIngest();
        // Only a durable route would reach YARP's state; this direct one never does.
        services.AddSingleton<IProxyStateLookup, NoProxyState>();
        _services = services.BuildServiceProvider();
        var route = new IngestRoute("halopsa", "halopsa", "ilert", 1024 * 1024, BodyFormats.Json, Durable: false, new HashSet<string>());
        _transform = ActivatorUtilities.CreateInstance<IngestTransform>(_services, route);
        _body = BenchmarkInputs.SampleBody("new-ticket");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Directory.Delete(_contentRoot, recursive: true);
    }

    [Benchmark]
    public async Task<long?> BodyInBodyOut()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = "/api/v1/events/halopsa/il1hps-benchmark-key";
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = _body.Length;
        http.Request.Body = new MemoryStream(_body, writable: false);
        http.Request.RouteValues["integrationKey"] = "il1hps-benchmark-key";
        using var proxyRequest = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/") { Content = new StreamContent(Stream.Null) };
        var context = new RequestTransformContext
        {
            HttpContext = http,
            ProxyRequest = proxyRequest,
            Path = http.Request.Path,
            Query = new QueryTransformContext(http.Request),
            DestinationPrefix = "http://127.0.0.1/",
        };
        await _transform.ApplyAsync(context);
        return proxyRequest.Content.Headers.ContentLength;
    }

    private sealed class BenchmarkEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "HaloIlertGateway";

        public string ContentRootPath { get; set; } = contentRoot;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    private sealed class NoProxyState : IProxyStateLookup
    {
        public bool TryGetRoute(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Yarp.ReverseProxy.Model.RouteModel? route) => (route = null) is not null;

        public IEnumerable<Yarp.ReverseProxy.Model.RouteModel> GetRoutes() => [];

        public bool TryGetCluster(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Yarp.ReverseProxy.Model.ClusterState? cluster) => (cluster = null) is not null;

        public IEnumerable<Yarp.ReverseProxy.Model.ClusterState> GetClusters() => [];
    }

    private sealed class BenchmarkLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
