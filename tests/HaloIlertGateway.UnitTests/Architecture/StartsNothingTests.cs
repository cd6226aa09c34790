using System.Globalization;
using NetArchTest.Rules;

namespace HaloIlertGateway.UnitTests.Architecture;

/// <summary>
/// This project starts nothing: no host, no listener, no process, no database. Whatever needs one belongs in
/// FunctionalTests. Checked twice: in the code (no test uses the types that start those), and at run time, after
/// every other test here has run (a collection that is not parallel runs after the parallel ones), on what this
/// process holds.
/// </summary>
[Collection(Name)]
public sealed class StartsNothingTests
{
    private const string Name = "Starts nothing (runs last)";

    /// <summary>Namespaces and types whose use means a test starts something.</summary>
    private static readonly string[] Starters =
    [
        "Microsoft.AspNetCore.TestHost",
        "Microsoft.AspNetCore.Mvc.Testing",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.Playwright",
        "Npgsql",
        "Microsoft.Data.Sqlite",
        "System.Diagnostics.Process",
        "System.Net.Sockets",
        "System.Net.HttpListener",
        "Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions",
        "Microsoft.Extensions.Hosting.IHost",
        "Microsoft.AspNetCore.Builder.WebApplication",
        "HaloIlertGateway.Delivery.Sqlite",
        "HaloIlertGateway.Delivery.Postgres",
    ];

    private static readonly string[] SocketTables = ["/proc/self/net/tcp", "/proc/self/net/tcp6"];

    [Fact]
    public void NoTestHereUsesWhatStartsAHostAListenerAProcessOrADatabase()
    {
        var result = Types.InAssembly(typeof(StartsNothingTests).Assembly)
            .ShouldNot().HaveDependencyOnAny(Starters)
            .GetResult();

        Assert.True(result.IsSuccessful, "these start something; move them to FunctionalTests: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void TheCheckSeesAUseOfWhatStartsSomething()
    {
        // The same rule over the gateway, which starts Kestrel and opens its stores, fails.
        var result = Types.InAssembly(typeof(Program).Assembly)
            .ShouldNot().HaveDependencyOnAny(Starters)
            .GetResult();

        Assert.False(result.IsSuccessful);
    }

    [SkippableFact]
    public void AfterTheRunThisProcessListensOnNoSocketAndHasNoChildProcess()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads /proc");

        Assert.Empty(ListeningSockets());
        Assert.Empty(ChildProcesses());
    }

    /// <summary>The TCP sockets in LISTEN state that this process holds, from /proc.</summary>
    internal static IReadOnlyList<string> ListeningSockets()
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                own.Add(target["socket:[".Length..^1]);
            }
        }

        const string Listen = "0A";
        return [.. SocketTables
            .Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns.Length > 9 && columns[3] == Listen && own.Contains(columns[9]))
            .Select(columns => "listening on " + columns[1])];
    }

    private static IReadOnlyList<string> ChildProcesses() =>
        [.. Directory.EnumerateDirectories("/proc/self/task")
            .Select(task => Path.Combine(task, "children"))
            .Where(File.Exists)
            .SelectMany(path => File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pid => "child process " + int.Parse(pid, CultureInfo.InvariantCulture))];

    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class RunsLast;
}
