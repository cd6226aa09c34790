using System.Text;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Sqlite;
using HaloIlertGateway.Tests.Infrastructure;
using static HaloIlertGateway.FunctionalTests.Delivery.DeliveryTestSettings;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>One gateway per outbox (SQLite's exclusive locking mode): a second one on the same file would clear the first one's claims and send events twice.</summary>
public sealed class OutboxLockTests
{
    [Fact]
    public async Task ASecondGatewayOnTheSameOutboxRefusesToStartSayingWhichFileAndWhatToDo()
    {
        await using var ilert = await FakeIlert.StartAsync();
        var folder = TestFolders.Create("outbox-lock-");
        var database = Path.Combine(folder, "outbox.db");
        await using var first = new GatewayProcess(ilert.Address, $"--Gateway:Delivery:DatabasePath={database}");
        await first.StartAsync();
        await using var second = new GatewayProcess(ilert.Address, $"--Gateway:Delivery:DatabasePath={database}");

        var (exitCode, output) = await second.StartExpectingRefusalAsync();

        Hosting.StartFailureTests.AssertCleanFailure(exitCode, output);
        Assert.Contains($"The outbox {database} is in use by another gateway process", output);
        Assert.DoesNotContain("Unable to load or apply the proxy configuration", output);
        Assert.Contains("Gateway:Delivery:DatabasePath", output);
        using var client = new HttpClient { BaseAddress = first.Address };
        using var served = await client.PostAsync("/api/v1/events/halopsa/il1hps-lock", new StringContent(Ticket(1, 1), Encoding.UTF8, "application/json"));
        Assert.True(served.IsSuccessStatusCode, $"{served.StatusCode}");
    }

    [Fact]
    public void AnOutboxIsHeldUntilItsStoreIsDisposed()
    {
        var folder = TestFolders.Create("outbox-lock-");
        using (Open(folder))
        {
            var refused = Assert.Throws<OutboxUnavailableException>(() => Open(folder));
            Assert.Contains("in use by another gateway process", refused.Message);
        }

        using var again = Open(folder);
    }

    private static SqliteDatabase Open(string folder) => new(
        Microsoft.Extensions.Options.Options.Create(new DeliveryOptions { DatabasePath = "outbox.db" }),
        new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = folder },
        Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteDatabase>.Instance);

    [Fact]
    public async Task AnOutboxThatCannotBeOpenedStopsTheStartNamingTheDatabaseAndTheCause()
    {
        await using var ilert = await FakeIlert.StartAsync();
        var notAFolder = Path.Combine(TestFolders.Create("outbox-bad-"), "file");
        File.WriteAllText(notAFolder, "a file where the outbox's folder should be");
        var database = Path.Combine(notAFolder, "outbox.db");
        await using var gateway = new GatewayProcess(ilert.Address, $"--Gateway:Delivery:DatabasePath={database}");

        var (exitCode, output) = await gateway.StartExpectingRefusalAsync();

        Hosting.StartFailureTests.AssertCleanFailure(exitCode, output);
        Assert.Contains($"The outbox database {database} could not be opened", output);
        Assert.DoesNotContain("Unable to load or apply the proxy configuration", output);
    }
}
