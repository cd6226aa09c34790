using System.Diagnostics;
using System.Globalization;
using System.Text;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Postgres;
using HaloIlertGateway.Delivery.Sqlite;
using HaloIlertGateway.Security;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// The worker's two questions (due heads, next due time) against backlogs of different sizes, on the real stores
/// (their migrations, their queries): the plan of each and its median time, side by side, with the queries they
/// replaced for comparison. Run by bench/heads-plan.sh, which starts the PostgreSQL it is given.
/// <c>heads-plan &lt;PostgreSQL connection string&gt; &lt;folder for SQLite files&gt; [runs]</c>.
/// </summary>
internal static class HeadsPlan
{
    private const int Keys = 500;
    private static readonly int[] Sizes = [100, 10_000, 100_000];

    /// <summary>The worker's question at the default Concurrency (8): 32 heads, at most 8 of a key.</summary>
    private static readonly DueFilter WorkerFilter = new([], Probation: true, PerKey: 8);
    private const int WorkerLimit = 32;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(10_000_000);

    public static async Task RunAsync(string[] args)
    {
        var (postgres, folder, runs) = (args[0], args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30);
        var targets = new List<Target>();
        var plans = new StringBuilder();
        var disposables = new List<IDisposable>();
        foreach (var size in Sizes)
        {
            var connectionString = await CreateDatabaseAsync(postgres, $"heads_{size}");
            var database = OpenPostgres(connectionString, folder);
            disposables.Add(database);
            var outbox = new PostgresOutbox(database, new ReplicaIdentity(), Options.Create(new DeliveryOptions()));
            await database.VersionAsync(CancellationToken.None);
            // The fill, the plans and the queries of before on a connection of their own, without the store's command timeout.
            var connection = new NpgsqlConnection(connectionString + ";Command Timeout=0");
            disposables.Add(connection);
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"""
                INSERT INTO outbox (route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, next_attempt_at)
                SELECT 'halopsa', 'ilert', 'alert-' || n, 'key-' || (n % {Keys}), 'POST', '/api/events', '{"{}"}', convert_to(repeat('x', 600), 'UTF8'), n, n
                FROM generate_series(1, {size}) n
                """);
            await ExecuteAsync(connection, "VACUUM ANALYZE outbox");
            targets.Add(new Target("PostgreSQL", size,
                () => outbox.DueAsync(Now, WorkerLimit, WorkerFilter, CancellationToken.None), () => outbox.NextDueAsync(CancellationToken.None),
                () => ExecuteAsync(connection, Bind(HeadsPlanBefore.PostgresDue)), () => ExecuteAsync(connection, HeadsPlanBefore.PostgresNextDue)));
            plans.AppendLine(CultureInfo.InvariantCulture, $"#### PostgreSQL, {size:N0} due events: due heads").AppendLine("```")
                .AppendLine(await ExplainAsync(connection, Bind(PostgresHeads.DueSql))).AppendLine("```")
                .AppendLine(CultureInfo.InvariantCulture, $"#### PostgreSQL, {size:N0} due events: next due time").AppendLine("```")
                .AppendLine(await ExplainAsync(connection, PostgresHeads.NextDueSql)).AppendLine("```");
        }

        foreach (var size in Sizes)
        {
            var (sqlite, outbox) = await OpenFilledSqliteAsync(Path.Combine(folder, $"sqlite-{size}"), size);
            disposables.Add(sqlite);
            disposables.Add(outbox);
            await sqlite.UseAsync(connection => StoreSql.ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(TRUNCATE)", CancellationToken.None), CancellationToken.None);
            var before = await HeadsPlanBefore.OpenSqliteAsync(sqlite.Path, Path.Combine(folder, $"sqlite-{size}-before.db"));
            disposables.Add(before);
            targets.Add(new Target("SQLite", size,
                () => outbox.DueAsync(Now, WorkerLimit, WorkerFilter, CancellationToken.None), () => outbox.NextDueAsync(CancellationToken.None),
                () => HeadsPlanBefore.SqliteDueAsync(before, SqliteParameters()), () => HeadsPlanBefore.SqliteNextDueAsync(before)));
            plans.AppendLine(CultureInfo.InvariantCulture, $"#### SQLite, {size:N0} due events: due heads, then next due time (EXPLAIN QUERY PLAN)").AppendLine("```")
                .AppendLine(await SqlitePlanAsync(sqlite, SqliteHeads.DueSql)).AppendLine(await SqlitePlanAsync(sqlite, SqliteHeads.NextDueSql)).AppendLine("```");
        }

        // Every query of every target once per round, rounds alternating them: a busy machine slows all alike.
        for (var round = -5; round < runs; round++)
        {
            foreach (var target in targets)
            {
                await target.MeasureAsync(keep: round >= 0);
            }
        }

        Console.WriteLine($"Median (p90) of {runs} rounds after 5 to warm up, every target and query once per round; every event due, each its own alert, on up to {Keys} pacing keys; the worker's question ({WorkerLimit} heads, {WorkerFilter.PerKey} per key).");
        Console.WriteLine("Now: the store's own call (`DueAsync`, `NextDueAsync`, a round trip included). Before: the query it replaced, on the same rows.\n");
        Console.WriteLine("| store | due events | pacing keys | due heads, now | next due, now | due heads, before | next due, before |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        targets.ForEach(target => Console.WriteLine(target.Row(Keys)));
        Console.WriteLine();
        Console.Write(plans);
        disposables.Reverse();
        disposables.ForEach(d => d.Dispose());
    }

    private static async Task<string> CreateDatabaseAsync(string postgres, string name)
    {
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {name}");
            await ExecuteAsync(connection, $"CREATE DATABASE {name}");
        }

        return new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
    }

    private static PostgresDatabase OpenPostgres(string connectionString, string folder)
    {
        var file = Path.Combine(folder, "pg-connection-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, connectionString);
        return new PostgresDatabase(Options.Create(new StoreOptions { Provider = StoreProvider.Postgres, ConnectionString = "file:" + file }),
            new SecretStore(TimeProvider.System), NullLogger<PostgresDatabase>.Instance);
    }

    /// <summary>A SQLite outbox file with <paramref name="size"/> due events, its heads marked by the store's own start (it is opened twice).</summary>
    private static async Task<(SqliteDatabase Database, SqliteOutbox Outbox)> OpenFilledSqliteAsync(string folder, int size)
    {
        Directory.CreateDirectory(folder);
        var options = Options.Create(new DeliveryOptions { DatabasePath = "outbox.db" });
        var environment = new HostingEnvironment { ContentRootPath = folder };
        using (var fill = new SqliteDatabase(options, environment, NullLogger<SqliteDatabase>.Instance))
        {
            await fill.InTransactionAsync((connection, transaction) => StoreSql.ExecuteAsync(connection, transaction, $"""
                WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {size})
                INSERT INTO outbox (route, cluster, ordering_key, pacing_key, method, path, headers, body, created_at, next_attempt_at)
                SELECT 'halopsa', 'ilert', 'alert-' || n, 'key-' || (n % {Keys}), 'POST', '/api/events', '{"{}"}', CAST(printf('%600s', '') AS BLOB), n, n FROM g
                """, CancellationToken.None), CancellationToken.None);
        }

        var database = new SqliteDatabase(options, environment, NullLogger<SqliteDatabase>.Instance);
        return (database, new SqliteOutbox(database, new ReplicaIdentity(), options));
    }

    private static (string, object?)[] SqliteParameters() => SqliteHeads.DueParameters(Now, WorkerLimit, WorkerFilter);

    /// <summary><paramref name="sql"/> with the worker's parameters written in (EXPLAIN takes no parameters of a batch).</summary>
    private static string Bind(string sql)
    {
        foreach (var (name, value) in PostgresHeads.DueParameters(Now, WorkerLimit, WorkerFilter).OrderByDescending(p => p.Name.Length))
        {
            var literal = value switch
            {
                string[] keys => $"ARRAY[{string.Join(", ", keys.Select(k => $"'{k}'"))}]::text[]",
                bool b => b ? "true" : "false",
                _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            };
            sql = sql.Replace("@" + name, literal, StringComparison.Ordinal);
        }

        return sql;
    }

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    private static async Task<string> SqlitePlanAsync(SqliteDatabase database, string sql) => string.Join('\n',
        await database.UseAsync(_ => database.QueryAsync(null, "EXPLAIN QUERY PLAN " + sql, r => $"{r.GetInt64(0),3} {r.GetInt64(1),3} {r.GetString(3)}",
            CancellationToken.None, SqliteParameters()), CancellationToken.None));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>One store at one size: its four queries, each timed once per round.</summary>
    private sealed record Target(string Store, int Size, Func<Task> Due, Func<Task> Next, Func<Task> DueBefore, Func<Task> NextBefore)
    {
        private readonly List<double>[] _times = [[], [], [], []];

        public async Task MeasureAsync(bool keep)
        {
            Func<Task>[] queries = [Due, Next, DueBefore, NextBefore];
            for (var i = 0; i < queries.Length; i++)
            {
                var watch = Stopwatch.StartNew();
                await queries[i]();
                if (keep)
                {
                    _times[i].Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }

        public string Row(int keys) => $"| {Store} | {Size:N0} | {Math.Min(Size, keys)} | {string.Join(" | ", _times.Select(Summary))} |";

        /// <summary>Median and 90th percentile, in milliseconds.</summary>
        private static string Summary(List<double> times)
        {
            times.Sort();
            return string.Create(CultureInfo.InvariantCulture, $"{times[times.Count / 2]:0.00} ms ({times[(int)(times.Count * 0.9)]:0.00})");
        }
    }
}
