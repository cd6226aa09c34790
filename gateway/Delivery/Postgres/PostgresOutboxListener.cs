using Microsoft.Extensions.Options;
using Npgsql;

namespace HaloIlertGateway.Delivery.Postgres;

/// <summary>
/// Wakes this replica's worker when another replica stores an event or finishes one (a trigger on the outbox notifies
/// <see cref="Channel"/> once per committed statement that inserts or deletes), so that no replica polls the shared
/// database blindly. A burst of changes wakes the worker at most once per <see cref="Spacing"/>. While the listening
/// connection is down the worker looks every second instead, and after it is back the worker looks at once (what
/// changed in between was not heard). The same connection hears new transform versions
/// (<see cref="StoreSchema.TransformsChannel"/>) and passes them on through <see cref="StoreSignals"/>. Runs only when
/// the store is PostgreSQL.
/// </summary>
internal sealed partial class PostgresOutboxListener(
    IServiceProvider services,
    DeliveryWorker worker,
    StoreSignals signals,
    IOptions<StoreOptions> store,
    TimeProvider time,
    ILogger<PostgresOutboxListener> logger) : BackgroundService
{
    /// <summary>The channel the outbox's trigger notifies (migration 5).</summary>
    public const string Channel = "gateway_outbox";

    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the listening connection may stay silent before it is checked with a query (a dead network sends nothing).</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaximumRetry = TimeSpan.FromSeconds(30);

    private int _wakeScheduled;
    private long _lastWake;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store.Value.Provider != StoreProvider.Postgres)
        {
            return;
        }

        worker.HearsOtherReplicas(false);
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                worker.HearsOtherReplicas(false);
                Log.NotListening(logger, ex.Message, retry.TotalSeconds);
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = retry * 2 < MaximumRetry ? retry * 2 : MaximumRetry;
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await services.GetRequiredService<PostgresDatabase>().OpenAsync(stoppingToken);
        connection.Notification += (_, notification) =>
        {
            if (notification.Channel == StoreSchema.TransformsChannel)
            {
                signals.RaiseTransformsChanged();
            }
            else
            {
                OnChange();
            }
        };
        await StoreSql.ExecuteAsync(connection, null, $"LISTEN {Channel}; LISTEN {StoreSchema.TransformsChannel}", stoppingToken);
        worker.HearsOtherReplicas(true);
        worker.Wake();
        // What was published while this replica was not listening was not heard.
        signals.RaiseTransformsChanged();
        while (true)
        {
            if (!await connection.WaitAsync(Silence, stoppingToken))
            {
                // Nothing heard for a while: a query proves the connection (and so the listening) is alive.
                await StoreSql.ExecuteAsync(connection, null, "SELECT 1", stoppingToken);
            }
        }
    }

    private void OnChange()
    {
        if (Interlocked.Exchange(ref _wakeScheduled, 1) == 0)
        {
            _ = WakeSpacedAsync();
        }
    }

    private async Task WakeSpacedAsync()
    {
        var since = time.GetElapsedTime(Interlocked.Read(ref _lastWake));
        if (since < Spacing)
        {
            await Task.Delay(Spacing - since, time);
        }

        Interlocked.Exchange(ref _lastWake, time.GetTimestamp());
        Volatile.Write(ref _wakeScheduled, 0);
        worker.Wake();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Not hearing the other replicas' new events ({Error}); the worker looks every second, listening again in {RetrySeconds} s")]
        public static partial void NotListening(ILogger logger, string error, double retrySeconds);
    }
}
