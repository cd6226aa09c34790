using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL for the tests: one cluster per test run, in a temp folder, on a free loopback port, made with
/// the machine's <c>initdb</c> and <c>pg_ctl</c> (as the <c>postgres</c> user when the tests run as root), and stopped
/// when the test process exits. Each test takes a database of its own (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private static int _databases;

    private PostgresServer(string folder, int port, string binaries)
    {
        Folder = folder;
        Port = port;
        Binaries = binaries;
    }

    public string Folder { get; }

    public int Port { get; }

    private string Binaries { get; }

    private string DataDirectory => Path.Combine(Folder, "data");

    /// <summary>The server the tests share (never stopped by a test).</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A server of the caller's own, for a test that stops and starts it.</summary>
    public static Task<PostgresServer> StartOwnAsync() => StartAsync();

    /// <summary>A new, empty database; returns its connection string (trust authentication on loopback: no password).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"gateway_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>The gateway's view of a database (as one replica): its connection string given as a secret file.</summary>
    internal static HaloIlertGateway.Delivery.Postgres.PostgresDatabase OpenAsReplica(string connectionString)
    {
        var file = Path.Combine(TestFolders.Create("pg-connection-"), "connection");
        File.WriteAllText(file, connectionString);
        return new HaloIlertGateway.Delivery.Postgres.PostgresDatabase(
            Microsoft.Extensions.Options.Options.Create(new HaloIlertGateway.Delivery.StoreOptions { Provider = HaloIlertGateway.Delivery.StoreProvider.Postgres, ConnectionString = "file:" + file }),
            new HaloIlertGateway.Security.SecretStore(TimeProvider.System),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<HaloIlertGateway.Delivery.Postgres.PostgresDatabase>.Instance);
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=5";

    /// <summary>Stops the server as a crash would (immediate), for outage tests; <see cref="StartAgainAsync"/> brings it back.</summary>
    public Task StopAsync() => PgCtlAsync("stop", "-m", "immediate");

    public Task StartAgainAsync() => PgCtlAsync("start", "-w", "-t", "60", "-l", Path.Combine(Folder, "log"), "-o", Options());

    private static async Task<PostgresServer> StartAsync()
    {
        var binaries = FindBinaries();
        RemoveStoppedServers();
        var folder = Directory.CreateTempSubdirectory("gateway-pg-").FullName;
        TestFolders.MarkOwner(folder);
        var server = new PostgresServer(folder, FreePort(), binaries);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres", folder);
        }

        await RunAsPostgresAsync(Path.Combine(binaries, "initdb"), "-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        await server.StartAgainAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.StopAsync().Wait(TimeSpan.FromSeconds(10));
            TestFolders.TryDelete(folder);
        };
        return server;
    }

    /// <summary>
    /// Folders of earlier runs whose server is gone (the test host is stopped before its exit handler can remove them):
    /// stopped, and made by a process that has ended, so that a server another test process has stopped for a moment
    /// is never one of them. A folder that names no owner is left for an hour.
    /// </summary>
    private static void RemoveStoppedServers()
    {
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), "gateway-pg-*"))
        {
            if (!File.Exists(Path.Combine(stale, "data", "postmaster.pid")) && TestFolders.OwnerHasEnded(stale))
            {
                TestFolders.TryDelete(stale);
            }
        }
    }

    private string Options() => $"-p {Port} -k {Folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200";

    private Task PgCtlAsync(params string[] arguments) => RunAsPostgresAsync(Path.Combine(Binaries, "pg_ctl"), ["-D", DataDirectory, .. arguments]);

    private static Task RunAsPostgresAsync(string program, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}{await output}");
        }
    }

    /// <summary>initdb and pg_ctl on PATH, or in Debian's /usr/lib/postgresql/&lt;version&gt;/bin (.ci/run installs them when missing).</summary>
    private static string FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Order().Reverse().Select(v => Path.Combine(v, "bin")) : []);
        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL's initdb and pg_ctl were not found (on PATH or in /usr/lib/postgresql/*/bin): install Debian's postgresql (.ci/run does).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
