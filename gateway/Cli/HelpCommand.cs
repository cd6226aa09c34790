namespace HaloIlertGateway.Cli;

/// <summary><c>--help</c> (or <c>-h</c>, <c>help</c>): how to run the gateway and its verbs; nothing is started.</summary>
internal static class HelpCommand
{
    public const string Usage = """
        HaloIlertGateway: a gateway in front of ilert's API that turns PSA webhooks into ilert events.

        usage:
          HaloIlertGateway [--demo] [settings]        start the gateway (public port http://localhost:5080,
                                                     management port http://127.0.0.1:5081)
            --demo                    ilert replaced by a local receiver on the management port; nothing leaves the
                                      machine, and real events are never touched
            --urls URL                the public address(es), e.g. --urls http://localhost:5090
            --Section:Key=value       any setting (docs/configuration.md), e.g. --Gateway:Management:Urls=http://127.0.0.1:5091
          HaloIlertGateway healthcheck [url]          exit 0 when the management port's /readyz answers 200
          HaloIlertGateway transforms check [dir]     check every transform as the gateway loads it
          HaloIlertGateway transforms run <name> <payload> [options]
                                                     run a payload through a transform and print what would be sent
          HaloIlertGateway transforms history|diff|publish|rollback <name> ...
                                                     a transform's versions on a running gateway's management port

        From the repository: dotnet run --project gateway -- <the same arguments>.
        """;

    public static bool TryRun(string[] args, TextWriter output, out int exitCode)
    {
        exitCode = 0;
        if (args is not (["--help"] or ["-h"] or ["help"] or ["-?"]))
        {
            return false;
        }

        output.WriteLine(Usage);
        output.WriteLine();
        output.WriteLine("The transforms verbs in full (the script tooling: docs/transforms.md):");
        output.WriteLine(TransformsCommand.Usage);
        return true;
    }
}
