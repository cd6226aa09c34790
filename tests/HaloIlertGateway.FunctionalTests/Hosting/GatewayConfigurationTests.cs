using HaloIlertGateway.Hosting;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.FunctionalTests.Hosting;

public sealed class GatewayConfigurationTests : IDisposable
{
    private const string IlertAddressKey = "ReverseProxy:Clusters:ilert:Destinations:primary:Address";
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("gateway-config-").FullName;

    [Fact]
    public void ProxyJsonSetsIlertAsTheUpstreamByDefault()
    {
        File.Copy(RepositoryPaths.ProxyConfig, Path.Combine(_contentRoot, "proxy.json"));

        var builder = Build([]);

        Assert.Equal("https://api.ilert.com/", builder.Configuration[IlertAddressKey]);
    }

    [Fact]
    public void TheCommandLineOverridesProxyJsonTheStandardWay()
    {
        File.Copy(RepositoryPaths.ProxyConfig, Path.Combine(_contentRoot, "proxy.json"));

        var builder = Build([$"--{IlertAddressKey}=http://127.0.0.1:9/"]);

        Assert.Equal("http://127.0.0.1:9/", builder.Configuration[IlertAddressKey]);
    }

    [Fact]
    public void WithoutAProxyJsonInTheContentRootTheCopyShippedWithTheAppIsUsed()
    {
        var builder = Build([]);

        Assert.Equal("https://api.ilert.com/", builder.Configuration[IlertAddressKey]);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "transforms"), GatewayPaths.Resolve(_contentRoot, "transforms"));
    }

    [Fact]
    public void TheDefaultUrlIsLocalhost5080UnlessUrlsAreGiven()
    {
        Assert.Equal(GatewayHostingExtensions.DefaultUrl, Build([]).WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
        Assert.Equal("http://127.0.0.1:7000", Build(["--urls=http://127.0.0.1:7000"]).WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void KestrelsLimitsComeFromConfigurationWithTheShippedDefaults()
    {
        using var shipped = Build([]).Build();
        using var overridden = Build(["--Kestrel:Limits:MaxConcurrentConnections=10"]).Build();

        var limits = shipped.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        Assert.Equal((2048L, 32768L), (limits.MaxConcurrentConnections, limits.MaxRequestBufferSize));
        Assert.Equal(240, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(10, overridden.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxConcurrentConnections);
    }

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    private WebApplicationBuilder Build(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = _contentRoot })
            .AddGatewayConfiguration(args);
}
