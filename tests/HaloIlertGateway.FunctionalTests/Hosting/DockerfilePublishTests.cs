using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Hosting;

/// <summary>
/// No container engine here: the Dockerfile's own restore and publish commands are run as written (this machine's
/// architecture for <c>$TARGETARCH</c>, a temp folder for <c>/app</c>), and what they produce is checked.
/// </summary>
public sealed partial class DockerfilePublishTests
{
    [Fact]
    public async Task TheDockerfilesPublishCommandsProduceTheApp()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));
        var commands = DotnetCommands().Matches(dockerfile).Select(m => m.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, commands.Count); // restore, then publish
        var output = Directory.CreateTempSubdirectory("dockerfile-publish-").FullName;
        var arch = RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "amd64";

        foreach (var command in commands)
        {
            var line = command.Replace("\"$TARGETARCH\"", arch, StringComparison.Ordinal).Replace("--output /app", $"--output {output}", StringComparison.Ordinal);
            var (exitCode, text) = await RunAsync(line);
            Assert.True(exitCode == 0, $"dotnet {line} exited {exitCode}:\n{text}");
        }

        Assert.True(File.Exists(Path.Combine(output, "HaloIlertGateway.dll")));
        Assert.True(File.Exists(Path.Combine(output, "proxy.json")), "proxy.json ships in the image as the default");
        Assert.True(File.Exists(Path.Combine(output, "transforms", "halopsa.js")), "transforms/ ship in the image as the default");
        Assert.True(File.Exists(Path.Combine(output, "appsettings.json")));
        Directory.Delete(output, recursive: true);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A restore and a Release publish take about a minute; at load 24 on two cores (seen) one took over four.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"(?m)^RUN dotnet ((?:[^\n]*\\\n)*[^\n]*)")]
    private static partial Regex DotnetCommands();
}
