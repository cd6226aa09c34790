using System.Diagnostics;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Hosting;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BusyMachine
{
    public const string Name = "Busy machine (runs alone: it saturates every core)";
}

/// <summary>
/// A gateway started while other processes keep every core busy comes up and serves its first event: the fixture runs
/// that gate start-up have their own generous budget after a warm-up, and live limits count the run's own CPU time.
/// (bench/busy-start.sh repeats this ten times with six busy loops and reports the times.)
/// </summary>
[Collection(BusyMachine.Name)]
public sealed class BusyMachineStartTests
{
    [Fact]
    public async Task TheGatewayStartsAndServesItsFirstEventWhileEveryCoreIsBusy()
    {
        var loops = Enumerable.Range(0, Environment.ProcessorCount * 2).Select(_ => BusyLoop()).ToList();
        try
        {
            await using var ilert = await FakeIlert.StartAsync();
            await using var gateway = new GatewayProcess(ilert.Address);
            await gateway.StartAsync();
            using var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };

            using var response = await client.PostAsync("/api/v1/events/halopsa/il1hps-busy",
                new StringContent(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "bench", "new-ticket.json")), System.Text.Encoding.UTF8, "application/json"));

            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var received = Assert.Single(await ilert.WaitForAsync(1, TimeSpan.FromSeconds(30)));
            Assert.Equal("ALERT", received.Json!["eventType"]!.GetValue<string>());
        }
        finally
        {
            foreach (var loop in loops)
            {
                loop.Kill(entireProcessTree: true);
                loop.Dispose();
            }
        }
    }

    /// <summary>A shell spinning on one core; <c>timeout</c> ends it even if this test never gets to.</summary>
    private static Process BusyLoop() =>
        Process.Start(new ProcessStartInfo("timeout", ["120", "sh", "-c", "while :; do :; done"]))!;
}
