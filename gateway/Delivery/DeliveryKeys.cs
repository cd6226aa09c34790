using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Security;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// What the gateway has learned of integration keys from ilert's answers, and what it does with it: a key ilert
/// accepted (2xx) is known; a key on probation that ilert refused as unknown (<see cref="DeliveryOptions.KeyRefusalStatuses"/>)
/// is refused for <see cref="DeliveryOptions.RefusedKeyFor"/>; any other is on probation. The classes live in the shared store
/// (<see cref="KeyClassStore"/>); this replica keeps known and refused keys in memory for a short while (a class
/// another replica changes is seen here within <see cref="CacheFor"/>). With <see cref="DeliveryOptions.AllowedKeys"/>
/// set, those keys are known from the start and every other key is not allowed at all.
/// </summary>
internal sealed partial class DeliveryKeys
{
    /// <summary>How long this replica trusts what it read of a key's class before reading it again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private const int MaxCached = 100_000;

    private readonly KeyClassStore _store;
    private readonly IOptions<DeliveryOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryKeys> _logger;
    private readonly HashSet<string>? _allowed;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    public DeliveryKeys(KeyClassStore store, SecretStore secrets, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryKeys> logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        if (options.Value.AllowedKeys.Count > 0)
        {
            _allowed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (reference, index) in options.Value.AllowedKeys.Select((reference, index) => (reference, index)))
            {
                // A value that is not a reference may be a key pasted in: it is never repeated in the message.
                var where = $"{DeliveryOptions.SectionName}:AllowedKeys:{index}";
                if (!SecretReference.TryParse(reference, out var parsed))
                {
                    throw new GatewayConfigurationException($"{where} is not a secret reference (its value is not shown): write env:NAME or file:/path, never the keys themselves.");
                }

                if (secrets.Read(parsed!) is not { } value)
                {
                    throw new GatewayConfigurationException($"{where}: the secret {parsed} is not set (empty, missing or unreadable).");
                }

                foreach (var key in value.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
                {
                    secrets.Remember(key);
                    _allowed.Add(Digest(key));
                }
            }
        }
    }

    /// <summary>Keys are kept as digests: the store never needs them in clear, and listings cannot show them.</summary>
    public static string Digest(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];

    /// <summary>The class of a pacing key (an integration key's <see cref="Digest"/>) now. Throws when the store cannot be read.</summary>
    public async ValueTask<KeyClass> ClassOfAsync(string pacingKey, CancellationToken cancellationToken)
    {
        if (_allowed is not null && !_allowed.Contains(pacingKey))
        {
            return KeyClass.NotAllowed;
        }

        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(pacingKey, out var cached) && cached.ValidUntil > now)
        {
            return cached.Class;
        }

        var (found, until) = await _store.GetAsync(pacingKey, now, cancellationToken);
        if (_allowed is not null && found != KeyClass.Refused)
        {
            // An operator's own key is known from the start; ilert can still refuse it (a deleted alert source).
            found = KeyClass.Known;
        }

        if (found != KeyClass.Probation)
        {
            Remember(pacingKey, found, until, now);
        }

        return found;
    }

    /// <summary>When the refusal of a refused key ends, as this replica knows it.</summary>
    public DateTimeOffset? RefusedUntil(string pacingKey) =>
        _cache.TryGetValue(pacingKey, out var cached) && cached.Class == KeyClass.Refused ? cached.Until : null;

    /// <summary>How many keys the store holds known, and refused now.</summary>
    public Task<(long Known, long Refused)> CountAsync(CancellationToken cancellationToken) => _store.CountAsync(_time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Forgets every refusal (an operator who fixed the alert source, or a transform that sent events to the wrong
    /// path): those keys are on probation again, here at once and on other replicas within <see cref="CacheFor"/>.
    /// Returns how many keys were refused.
    /// </summary>
    public async Task<int> ForgetRefusalsAsync(CancellationToken cancellationToken)
    {
        var forgotten = await _store.ForgetRefusalsAsync(cancellationToken);
        foreach (var (key, cached) in _cache)
        {
            if (cached.Class == KeyClass.Refused)
            {
                _cache.TryRemove(KeyValuePair.Create(key, cached));
            }
        }

        Log.RefusalsForgotten(_logger, forgotten);
        return forgotten;
    }

    /// <summary>
    /// Learns from ilert's answer to an event of the key: 2xx makes it known, a refusal status refuses it. Throws when
    /// the store cannot be written.
    /// </summary>
    public async Task LearnAsync(OutboxMessage message, DeliveryResult result, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var now = _time.GetUtcNow();
        if (result.Outcome == DeliveryOutcome.Delivered)
        {
            if (message.Probation || !(_cache.TryGetValue(message.PacingKey, out var cached) && cached.Class == KeyClass.Known))
            {
                await _store.SetKnownAsync(message.PacingKey, now, cancellationToken);
                Remember(message.PacingKey, KeyClass.Known, null, now);
                Log.Known(_logger, message.Route);
            }

            return;
        }

        // Only a key ilert has never accepted is refused: a known key's 404 is more likely a wrong path or an edge page,
        // and its events stay replayable dead letters.
        if (result.Outcome == DeliveryOutcome.Rejected && result.Status is { } status && options.RefusalStatuses.Contains(status)
            && message.Probation && !(_cache.TryGetValue(message.PacingKey, out var known) && known.Class == KeyClass.Known))
        {
            var until = now + options.RefusedKeyFor;
            await _store.SetRefusedAsync(message.PacingKey, until, now, cancellationToken);
            Remember(message.PacingKey, KeyClass.Refused, until, now);
            Log.Refused(_logger, message.Route, status, result.CorrelationId ?? "none", until);
        }
    }

    /// <summary>Keeps what was read or learned for <see cref="CacheFor"/> (a refusal no longer than it lasts).</summary>
    private void Remember(string pacingKey, KeyClass found, DateTimeOffset? until, DateTimeOffset now)
    {
        if (_cache.Count >= MaxCached)
        {
            // A bound, not a policy: what is forgotten is read from the store again.
            _cache.Clear();
        }

        var validUntil = now + CacheFor;
        _cache[pacingKey] = new Cached(found, until, until < validUntil ? until.Value : validUntil);
    }

    /// <summary>A key's class as this replica read or learned it, when a refusal ends, and until when to trust it.</summary>
    private sealed record Cached(KeyClass Class, DateTimeOffset? Until, DateTimeOffset ValidUntil);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "ilert accepted an event of route {Route}: its integration key is known")]
        public static partial void Known(ILogger logger, string route);

        [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "ilert answered {Status} to an event of route {Route} (correlation-id {CorrelationId}): its integration key is refused until {Until:u}; events for it are answered 404 and not stored")]
        public static partial void Refused(ILogger logger, string route, int status, string correlationId, DateTimeOffset until);

        [LoggerMessage(EventId = 4403, Level = LogLevel.Warning, Message = "{Count} refused integration keys forgotten on request: they are on probation again")]
        public static partial void RefusalsForgotten(ILogger logger, int count);
    }
}
