using HaloIlertGateway.Security;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The store's time limits, applied every <see cref="Period"/>: dead letters older than
/// <see cref="DeadLetterOptions.MaxAge"/>, refusals of keys that have ended, and replay marks that have expired are
/// removed. In a cluster every replica does it (the deletes are idempotent). A store that cannot be reached is
/// reported and tried again at the next period.
/// </summary>
internal sealed partial class StoreUpkeep(
    IDeadLetterStore deadLetters, KeyClassStore keys, IReplayGuard replays, StoreFaultReporter faults, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<StoreUpkeep> logger)
    : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(Period, time, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One round of upkeep: what it removed.</summary>
    public async Task<(long DeadLetters, int Keys, int Marks)> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            var removed = (
                await deadLetters.DeleteAsync(new DeadLetterFilter(null, null, now - options.Value.DeadLetters.MaxAge), cancellationToken),
                await keys.PruneAsync(now, cancellationToken),
                await replays.PruneAsync(now, cancellationToken));
            if (removed.Item1 > 0)
            {
                Log.DeadLettersAged(logger, removed.Item1, options.Value.DeadLetters.MaxAge);
            }

            return removed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            faults.Report("remove what has aged out", ex);
            return default;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "{Count} dead letters older than {MaxAge} removed")]
        public static partial void DeadLettersAged(ILogger logger, long count, TimeSpan maxAge);
    }
}
