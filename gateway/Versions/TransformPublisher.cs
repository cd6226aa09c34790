using HaloIlertGateway.Delivery;
using HaloIlertGateway.Scripting;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Versions;

/// <summary>
/// A change to a transform made by a person (the API, the page, the CLI, a rollback): checked as a file edit is (it
/// compiles, takes its settings, passes its fixtures), recorded as the next version with its author and message, and
/// served on this replica at once. With <see cref="TransformSource.Files"/> on one gateway the file is written too, so
/// that the folder stays the truth; in a cluster that serves its files, publishing is refused (each replica reads its
/// own copy of the folder). With <see cref="TransformSource.Store"/> the other replicas serve it within their poll interval.
/// </summary>
internal sealed partial class TransformPublisher(
    TransformCatalog catalog, TransformLoader loader, TransformVersionStore versions, TransformSettingsProvider settings,
    IOptions<TransformSourceOptions> source, IOptions<StoreOptions> store, ILogger<TransformPublisher> logger)
{
    /// <summary>Whether a person may change transforms on this gateway at all, and why not.</summary>
    public string? WhyNot => source.Value.Source == TransformSource.Files && store.Value.Provider == StoreProvider.Postgres
        ? "This gateway is one of several replicas that serve the transforms in their own folder (Gateway:Transforms:Source Files): a version published here "
            + "would serve on this replica only. Change the transform where every replica reads it (the ConfigMap or volume mounted at the transforms folder), "
            + "or set Gateway:Transforms:Source to Store on every replica to publish through the API."
        : null;

    /// <summary>
    /// Publishes <paramref name="script"/> as the next version of <paramref name="name"/>, with <paramref name="fixtures"/>
    /// (the fixture file's text) and <paramref name="settings"/> (JSON; only with <see cref="TransformSource.Store"/>,
    /// where they serve in place of proxy.json's); each left out (null) is the serving version's. With
    /// <paramref name="expectedLatest"/> (If-Match), only if that is still the latest version.
    /// </summary>
    public Task<PublishOutcome> PublishAsync(
        string name, string script, string? fixtures, string? settings, string author, string message, string origin, int? expectedLatest, CancellationToken cancellationToken)
    {
        var serving = catalog.ContentOf(name);
        return PublishAsync(name, new TransformContent(script, fixtures ?? serving?.Fixtures, settings ?? serving?.Settings), fixtures is not null, author, message, origin, expectedLatest, cancellationToken);
    }

    /// <summary>Publishes version <paramref name="number"/>'s content again, as a new version (its fixtures run again).</summary>
    public async Task<PublishOutcome> RollBackAsync(string name, int number, string author, string? message, int? expectedLatest, CancellationToken cancellationToken)
    {
        if (await versions.GetAsync(name, number, cancellationToken) is not { } earlier || earlier.ToContent() is not { } content)
        {
            return new PublishOutcome.Unknown($"Transform '{name}' has no version {number}.");
        }

        // Its settings too, when they were published with it: a rollback undoes a settings change as well.
        return await PublishAsync(
            name, content, fixturesGiven: true, author, message ?? $"Roll back to version {number}", VersionOrigin.Rollback, expectedLatest, cancellationToken);
    }

    private async Task<PublishOutcome> PublishAsync(
        string name, TransformContent content, bool fixturesGiven, string author, string message, string origin, int? expectedLatest, CancellationToken cancellationToken)
    {
        if (WhyNot is { } why)
        {
            return new PublishOutcome.Refused("Publishing is off in a cluster that serves its files.", why);
        }

        if (!TransformCatalog.IsValidName(name) || !catalog.Status().Any(status => status.Name == name))
        {
            return new PublishOutcome.Unknown($"No transform named '{name}'.");
        }

        if (Unacceptable(name, content, message) is { } refusal)
        {
            return refusal;
        }

        // One change of a transform at a time on this replica, from its record to its file and its serving: two at once
        // would write the same files and might serve in the other order.
        var gate = _gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await PublishLockedAsync(name, content, fixturesGiven, author, message, origin, expectedLatest, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>What this gateway does not take as a version, whoever asks: sizes over the limits, settings where proxy.json is the truth.</summary>
    private PublishOutcome? Unacceptable(string name, TransformContent content, string message)
    {
        var limits = source.Value;
        if (content.Settings is not null && limits.Source != TransformSource.Store)
        {
            // A rollback to a version published with settings in Store mode included.
            return new PublishOutcome.Refused("Settings are proxy.json's here.",
                $"This gateway serves its files (Gateway:Transforms:Source Files): a transform's settings are proxy.json's Gateway:Transforms:{name}:Settings, "
                + "which a version records but does not change. Change them there, or set Gateway:Transforms:Source to Store to publish settings with a version.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(content.Script) > limits.MaxScriptBytes)
        {
            return new PublishOutcome.TooLarge($"The script is over Gateway:Transforms:MaxScriptBytes ({limits.MaxScriptBytes:N0} bytes).");
        }

        if (content.Fixtures is { } fixtures && System.Text.Encoding.UTF8.GetByteCount(fixtures) > limits.MaxFixturesBytes)
        {
            return new PublishOutcome.TooLarge($"The fixture file is over Gateway:Transforms:MaxFixturesBytes ({limits.MaxFixturesBytes:N0} bytes).");
        }

        if (content.Settings is { } settings && System.Text.Encoding.UTF8.GetByteCount(settings) > limits.MaxFixturesBytes)
        {
            return new PublishOutcome.TooLarge($"The settings are over Gateway:Transforms:MaxFixturesBytes ({limits.MaxFixturesBytes:N0} bytes).");
        }

        return message.Length > limits.MaxMessageLength
            ? new PublishOutcome.Malformed($"The message is over Gateway:Transforms:MaxMessageLength ({limits.MaxMessageLength:N0} characters): say why in a sentence or two.")
            : null;
    }

    private async Task<PublishOutcome> PublishLockedAsync(
        string name, TransformContent content, bool fixturesGiven, string author, string message, string origin, int? expectedLatest, CancellationToken cancellationToken)
    {
        var path = ScriptPath(name);
        var report = loader.Load(name, path, content);
        if (!report.CanActivate)
        {
            return new PublishOutcome.Invalid(report);
        }

        var draft = new VersionDraft(name, content, SettingsOf(name), author, message, origin, [.. report.Fixtures.Select(f => new FixtureVerdict(f.Name, f.Passed))]);
        var record = await versions.RecordAsync(draft, expectedLatest, oncePerContent: false, cancellationToken);
        if (record is VersionRecord.Stale stale)
        {
            return new PublishOutcome.Stale(expectedLatest ?? 0, stale.Latest);
        }

        var version = ((VersionRecord.Recorded)record).Version;
        if (source.Value.Source == TransformSource.Files)
        {
            await WriteFilesAsync(path, content, fixturesGiven, CancellationToken.None);
        }

        catalog.Serve(name, content, version.Number);
        Log.Published(logger, name, version.Number, version.Sha256, author, origin);
        return new PublishOutcome.Published(version);
    }

    /// <summary>The settings a version runs with, as JSON (proxy.json's <c>Gateway:Transforms:&lt;name&gt;:Settings</c>), or null when it has none.</summary>
    public string? SettingsOf(string name) => settings.Get(name) is { Length: > 2 } json ? System.Text.Encoding.UTF8.GetString(json.Span) : null;

    private string ScriptPath(string name) => Path.Combine(catalog.Directory, name + ".js");

    /// <summary>The script, and the fixtures when they were given, each written whole and swapped in (a reader never sees half a file).</summary>
    private static async Task WriteFilesAsync(string path, TransformContent content, bool withFixtures, CancellationToken cancellationToken)
    {
        if (withFixtures)
        {
            var fixturePath = Scripting.Fixtures.TransformFixtureRunner.PathFor(path);
            if (content.Fixtures is { Length: > 0 } fixtures)
            {
                await WriteAsync(fixturePath, fixtures, cancellationToken);
            }
            else
            {
                File.Delete(fixturePath);
            }
        }

        await WriteAsync(path, content.Script, cancellationToken);
    }

    private static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        // A name of its own: the folder's watcher ignores it (not *.js), and no other writer shares it.
        var temporary = $"{path}.{Guid.NewGuid():N}.saving";
        try
        {
            await File.WriteAllTextAsync(temporary, text, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Transform {Transform} version {Version} (sha256 {Sha256}) published by {Author} ({Origin})")]
        public static partial void Published(ILogger logger, string transform, int version, string sha256, string author, string origin);
    }
}
