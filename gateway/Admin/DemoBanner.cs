namespace HaloIlertGateway.Admin;

/// <summary>Says loudly, at start, that this is demo mode, where its calls to ilert go and where its events wait.</summary>
internal sealed partial class DemoBanner(DemoReceiver receiver, ILogger<DemoBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Banner(logger, receiver.Address, receiver.Outbox);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "DEMO MODE: every call to ilert goes to the local receiver {Receiver} and nothing leaves this machine; events wait in the demo's own outbox {Outbox}, removed at exit")]
        public static partial void Banner(ILogger logger, Uri receiver, string outbox);
    }
}
