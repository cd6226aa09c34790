using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>The test infrastructure's own promise: a started <see cref="GatewayProcess"/> is the gateway it started.</summary>
public sealed class GatewayProcessTests
{
    [Fact]
    public async Task AGatewayWhosePortAnotherServerAnswersOnStartsOnAnotherPort()
    {
        // Another test's gateway may take the free port found for this one, and answer /healthz on it.
        await using var ilert = await FakeIlert.StartAsync();
        await using var gateway = new GatewayProcess(ilert.Address);
        var taken = gateway.Address;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(taken.ToString());
        await using var other = builder.Build();
        other.MapGet("/healthz", () => Results.Text("Healthy"));
        await other.StartAsync();

        await gateway.StartAsync();

        Assert.NotEqual(taken.Port, gateway.Address.Port);
        Assert.False(gateway.HasExited);
        using var client = new HttpClient { BaseAddress = gateway.Address };
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
