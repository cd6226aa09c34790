using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Sqlite;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.FunctionalTests.Versions;

/// <summary>The version store contract on SQLite: one file, held by one gateway (its "replicas" share that one database).</summary>
public sealed class SqliteVersionStoreTests : VersionStoreContract, IDisposable
{
    private readonly Lazy<SqliteDatabase> _database = new(() => new SqliteDatabase(
        Options.Create(new DeliveryOptions { DatabasePath = "outbox.db" }), new HostingEnvironment { ContentRootPath = TestFolders.Create("versions-") }, NullLogger<SqliteDatabase>.Instance));

    private protected override IStoreDatabase OpenReplica() => _database.Value;

    public void Dispose()
    {
        if (_database.IsValueCreated)
        {
            _database.Value.Dispose();
        }
    }
}
