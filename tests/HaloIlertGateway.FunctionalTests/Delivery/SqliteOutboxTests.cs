using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Sqlite;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>The store contract on SQLite, plus what only a file can show: its migrations.</summary>
public sealed class SqliteOutboxTests : OutboxContract
{
    private readonly string _folder = TestFolders.Create("outbox-contract-");

    private protected override StoreUnderTest Open(bool reopen, DeliveryOptions options)
    {
        options.DatabasePath = "outbox.db";
        var database = OpenDatabase(_folder, options);
        var outbox = new SqliteOutbox(database, new ReplicaIdentity(), Options.Create(options));
        return new StoreUnderTest(outbox, new SqliteDeadLetterStore(database, Options.Create(options)), database, new Handle(outbox, database));
    }

    [Fact]
    public void ANewFileIsMigratedToTheLatestVersionAndOpeningItAgainChangesNothing()
    {
        using (var database = OpenDatabase(_folder))
        {
            Assert.Equal(SqliteMigrations.LatestVersion, database.Version);
        }

        using var again = OpenDatabase(_folder);
        Assert.Equal(SqliteMigrations.LatestVersion, again.Version);
    }

    [Fact]
    public async Task AFileFromBeforeVersioningIsCompletedWithoutLosingItsEvents()
    {
        // The first outbox schema: no trace_parent, no is_head, no user_version; one pending event.
        var path = Path.Combine(_folder, "outbox.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, route TEXT NOT NULL, cluster TEXT NOT NULL, ordering_key TEXT NOT NULL,
                    pacing_key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL,
                    created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
                    locked_until INTEGER, last_error TEXT, last_status INTEGER);
                INSERT INTO outbox (route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, next_attempt_at)
                    VALUES ('halopsa', 'ilert', 'alert', 'key', 'POST', '/api/events', '{}', x'7B7D', 0, 0);
                """;
            create.ExecuteNonQuery();
        }

        var (outbox, deadLetters, _, handle) = Open(reopen: false, new DeliveryOptions());
        using (handle)
        {
            var pending = Assert.Single(await outbox.DueAsync(DateTimeOffset.UnixEpoch.AddSeconds(1), 10, DueFilter.Any, CancellationToken.None));
            Assert.Equal(("alert", null), (pending.OrderingKey, pending.TraceParent));
            Assert.Equal(0, await deadLetters.CountAsync(CancellationToken.None));
        }
    }

    private static SqliteDatabase OpenDatabase(string folder, DeliveryOptions? options = null) => new(
        Options.Create(options ?? new DeliveryOptions { DatabasePath = "outbox.db" }),
        new HostingEnvironment { ContentRootPath = folder },
        NullLogger<SqliteDatabase>.Instance);

    private sealed class Handle(SqliteOutbox outbox, SqliteDatabase database) : IDisposable
    {
        public void Dispose()
        {
            outbox.Dispose();
            database.Dispose();
        }
    }
}
