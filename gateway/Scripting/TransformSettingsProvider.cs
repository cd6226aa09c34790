using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using HaloIlertGateway.Scripting.Settings;
using HaloIlertGateway.Security;
using Microsoft.Extensions.Primitives;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// <c>context.settings</c> and <c>context.secrets</c> of each transform, from <c>Gateway:Transforms:&lt;name&gt;:Settings</c> (in proxy.json),
/// kept as UTF-8 JSON and refreshed when configuration reloads. Configuration is string-typed: values reach the
/// script as strings; sections whose keys are 0..n-1 become arrays. A route can run the transform with settings of
/// its own (<c>Gateway:Transforms:&lt;name&gt;:Routes:&lt;route&gt;:Settings</c>, e.g. a second HaloPSA instance with
/// other status ids): each top-level key it has replaces the transform's, whole. New settings that a transform's
/// declaration does not take (a value of the wrong kind, a setting it does not declare) are not applied: its previous
/// settings keep serving, as the previous routes do when proxy.json is refused.
/// </summary>
internal sealed partial class TransformSettingsProvider : IDisposable
{
    public const string SectionName = "Gateway:Transforms";

    private readonly IConfiguration _configuration;
    private readonly IDisposable _subscription;
    private FrozenDictionary<string, byte[]> _settings = FrozenDictionary<string, byte[]>.Empty;
    private FrozenDictionary<string, FrozenDictionary<string, byte[]>> _routeSettings = FrozenDictionary<string, FrozenDictionary<string, byte[]>>.Empty;
    private FrozenDictionary<string, FrozenDictionary<string, SecretReference>> _secrets = FrozenDictionary<string, FrozenDictionary<string, SecretReference>>.Empty;

    private readonly SecretStore _store;
    private readonly TransformCatalog? _catalog;
    private readonly ILogger<TransformSettingsProvider>? _logger;

    public TransformSettingsProvider(IConfiguration configuration, SecretStore store, TransformCatalog? catalog = null, ILogger<TransformSettingsProvider>? logger = null)
    {
        _configuration = configuration;
        _store = store;
        _catalog = catalog;
        _logger = logger;
        Load();
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Load);
    }

    /// <summary>The settings of <paramref name="transform"/>: those published with its serving version, else proxy.json's.</summary>
    public ReadOnlyMemory<byte> Get(string transform) =>
        Published(transform, null) is { } published ? published
            : _settings.TryGetValue(transform, out var json) ? json : ReadOnlyMemory<byte>.Empty;

    /// <summary>The settings <paramref name="routeId"/> runs <paramref name="transform"/> with (its own keys over the transform's).</summary>
    public ReadOnlyMemory<byte> Get(string transform, string routeId) =>
        Published(transform, routeId) is { } published ? published
            : _routeSettings.TryGetValue(transform, out var routes) && routes.TryGetValue(routeId, out var json) ? json : Get(transform);

    /// <summary>
    /// With <see cref="TransformSource.Store"/>, settings published with the serving version replace proxy.json's
    /// <c>Settings</c> of the transform (a route's own keys still go over them): kept as JSON per version and route.
    /// </summary>
    private byte[]? Published(string transform, string? routeId)
    {
        if (_catalog?.ContentOf(transform) is not { Settings: { } settings } content)
        {
            return null;
        }

        var key = (transform, routeId);
        if (_published.TryGetValue(key, out var cached) && ReferenceEquals(cached.Content, content))
        {
            return cached.Json;
        }

        var shared = System.Text.Encoding.UTF8.GetBytes(settings);
        var json = routeId is null ? shared : Over(shared, _configuration, transform, routeId);
        _published[key] = (content, json);
        return json;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Transform, string? Route), (TransformContent Content, byte[] Json)> _published = new();

    /// <summary>Settings given as JSON (<paramref name="shared"/>) with <paramref name="routeId"/>'s own keys of proxy.json over them, each replacing the key whole.</summary>
    public static byte[] Over(ReadOnlySpan<byte> shared, IConfiguration configuration, string transform, string routeId)
    {
        var own = configuration.GetSection($"{SectionName}:{transform}:Routes:{routeId}:Settings").GetChildren().ToList();
        if (own.Count == 0)
        {
            return shared.ToArray();
        }

        var replaced = own.Select(child => child.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(shared.ToArray());
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject().Where(property => !replaced.Contains(property.Name)))
            {
                property.WriteTo(writer);
            }

            foreach (var child in own)
            {
                writer.WritePropertyName(child.Key);
                Write(writer, child, root: false);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>The route ids that have settings of their own for <paramref name="transform"/> (<c>Routes:&lt;route&gt;:Settings</c>).</summary>
    public static IEnumerable<string> RoutesWithOwnSettings(IConfiguration configuration, string transform) =>
        configuration.GetSection($"{SectionName}:{transform}:Routes").GetChildren().Select(route => route.Key);

    /// <summary>
    /// The settings as JSON that <paramref name="routeId"/> runs <paramref name="transform"/> with: the transform's
    /// <c>Settings</c>, each top-level key replaced whole by the route's own when it has one (an array is never merged
    /// item by item, as configuration layers would).
    /// </summary>
    public static byte[] SettingsFor(IConfiguration configuration, string transform, string? routeId)
    {
        var shared = configuration.GetSection($"{SectionName}:{transform}:Settings");
        var own = routeId is null ? [] : configuration.GetSection($"{SectionName}:{transform}:Routes:{routeId}:Settings").GetChildren().ToList();
        if (own.Count == 0)
        {
            return ToJson(shared);
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            var replaced = own.Select(child => child.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var child in shared.GetChildren().Where(child => !replaced.Contains(child.Key)).Concat(own))
            {
                writer.WritePropertyName(child.Key);
                Write(writer, child, root: false);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// The context of one run of <paramref name="transform"/> on a live route: its settings, its named secrets read
    /// now (<c>Gateway:Transforms:&lt;name&gt;:Secrets</c>), and every secret value of the run to mask.
    /// </summary>
    public TransformContext ContextFor(string transform, string routeId, DateTimeOffset receivedAt, IncomingRequest request, IReadOnlySet<string> protectedHeaders)
    {
        if (_secrets.GetValueOrDefault(transform) is not { Count: > 0 } references)
        {
            return TransformContext.For(routeId, receivedAt, Get(transform, routeId), request.Params, protectedHeaders: protectedHeaders);
        }

        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, reference) in references)
        {
            if (_store.Read(reference) is { } value)
            {
                named[name] = value;
            }
        }

        return TransformContext.For(routeId, receivedAt, Get(transform, routeId), request.Params, named, protectedHeaders);
    }

    /// <summary>The raw secret references of a transform, read fresh from configuration (for config validation).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> SecretReferences(IConfiguration configuration, string transform) =>
        configuration.GetSection($"{SectionName}:{transform}:Secrets").GetChildren().Select(child => KeyValuePair.Create(child.Key, child.Value));

    public void Dispose() => _subscription.Dispose();

    /// <summary>
    /// Settings given as JSON (a fixture's, the test endpoint's) pass through configuration first, so that a script
    /// sees them exactly as a live request does: strings, and arrays for 0..n-1 keys.
    /// </summary>
    public static ReadOnlyMemory<byte> FromJson(JsonElement settings)
    {
        if (settings.ValueKind != JsonValueKind.Object)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(settings));
        return ToJson(new ConfigurationBuilder().AddJsonStream(stream).Build());
    }

    /// <summary>Writes a configuration section as JSON: leaves as strings, 0..n-1 children as arrays, others as objects.</summary>
    public static byte[] ToJson(IConfiguration section)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, section);
        }

        return stream.ToArray();
    }

    private void Load()
    {
        // A route's own settings may have changed: published settings are merged with them again.
        _published.Clear();
        var transforms = _configuration.GetSection(SectionName).GetChildren().Where(transform => !KeepsPrevious(transform.Key)).ToList();
        var kept = _settings.Keys.Where(KeepsPrevious).ToList();
        _settings = transforms.Select(transform => KeyValuePair.Create(transform.Key, ToJson(transform.GetSection("Settings"))))
            .Concat(kept.Select(transform => KeyValuePair.Create(transform, _settings[transform])))
            .ToFrozenDictionary(StringComparer.Ordinal);
        // Route ids are configuration keys, which compare without case.
        _routeSettings = transforms.Select(transform => KeyValuePair.Create(transform.Key, RoutesWithOwnSettings(_configuration, transform.Key)
                .ToFrozenDictionary(route => route, route => SettingsFor(_configuration, transform.Key, route), StringComparer.OrdinalIgnoreCase)))
            .Concat(kept.Where(_routeSettings.ContainsKey).Select(transform => KeyValuePair.Create(transform, _routeSettings[transform])))
            .ToFrozenDictionary(StringComparer.Ordinal);
        // A transform that keeps its settings keeps its secrets with them: a run must not lose its credential because
        // a typo in the new settings was refused.
        _secrets = transforms.Select(transform => KeyValuePair.Create(transform.Key, SecretReferences(_configuration, transform.Key)
                .Select(pair => SecretReference.TryParse(pair.Value, out var reference) ? KeyValuePair.Create(pair.Key, reference!) : default)
                .Where(pair => pair.Key is not null)
                .ToFrozenDictionary(StringComparer.Ordinal)))
            .Concat(kept.Where(_secrets.ContainsKey).Select(transform => KeyValuePair.Create(transform, _secrets[transform])))
            .ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether <paramref name="transform"/> keeps the settings it has: it has some, its serving version declares its
    /// settings, and the new ones do not fit that declaration (said in the log; proxy.json's validation refuses them too).
    /// </summary>
    private bool KeepsPrevious(string transform)
    {
        if (!_settings.ContainsKey(transform) || _catalog is null || !_catalog.TryGet(transform, out var script) || script.Settings is not { } declared)
        {
            return false;
        }

        var problems = DeclaredSettingsCheck.ForTransform(_configuration, transform, declared);
        if (problems.Count > 0 && _logger is not null)
        {
            Log.SettingsNotApplied(_logger, transform, string.Join("; ", problems));
        }

        return problems.Count > 0;
    }

    private static void Write(Utf8JsonWriter writer, IConfiguration section, bool root = true)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0 && !root)
        {
            var value = (section as IConfigurationSection)?.Value;
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }

            return;
        }

        // Configuration orders numeric keys numerically, so an array's children arrive as 0, 1, ..., n-1.
        var isArray = children.Count > 0 && children.Select((child, index) => child.Key == index.ToString(CultureInfo.InvariantCulture)).All(match => match);
        if (isArray)
        {
            writer.WriteStartArray();
            foreach (var child in children)
            {
                Write(writer, child, root: false);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        foreach (var child in children)
        {
            writer.WritePropertyName(child.Key);
            Write(writer, child, root: false);
        }

        writer.WriteEndObject();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "The new settings of transform {Transform} were not applied ({Problems}); its previous settings keep serving")]
        public static partial void SettingsNotApplied(ILogger logger, string transform, string problems);
    }
}
