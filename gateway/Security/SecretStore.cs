using System.Collections.Concurrent;

namespace HaloIlertGateway.Security;

/// <summary>
/// Reads secrets from their <see cref="SecretReference"/> (files re-read at most every few seconds, so a rotated
/// Kubernetes secret is picked up without a restart) and remembers every value it has handed out, so that the log
/// redactor can mask them wherever they appear.
/// </summary>
internal sealed class SecretStore(TimeProvider time)
{
    private static readonly TimeSpan FileRefresh = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<SecretReference, (string? Value, DateTimeOffset ReadAt)> _files = new();
    private const byte Lasting = 0;
    private const byte Passing = 1;

    // Each value with how long it is masked: Lasting (a secret read or found) or Passing (a token, until forgotten).
    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    /// <summary>Every secret value handed out so far (for redaction).</summary>
    public IReadOnlyCollection<string> KnownValues => (IReadOnlyCollection<string>)_known.Keys;

    /// <summary>The secret's current value, or null when the variable is unset or the file is missing or empty.</summary>
    public string? Read(SecretReference reference)
    {
        var value = reference.Kind == SecretReference.SourceKind.Environment
            ? Environment.GetEnvironmentVariable(reference.Name)
            : ReadFile(reference);
        value = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (value is not null)
        {
            RememberLasting(value);
        }

        return value;
    }

    /// <summary>A secret found inside another (a password in a connection string): masked wherever it appears, too.</summary>
    public void Remember(string value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            RememberLasting(value);
        }
    }

    /// <summary>
    /// A value that is secret for a while (an access token the gateway fetched): masked wherever it appears until
    /// <see cref="Forget"/>, so that the values masked do not grow without bound as tokens are replaced.
    /// </summary>
    public void RememberForNow(string value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            _known.TryAdd(value, Passing);
        }
    }

    /// <summary>No longer masks a value given to <see cref="RememberForNow"/> (a secret read or remembered for good stays masked).</summary>
    public void Forget(string value) => _known.TryRemove(new KeyValuePair<string, byte>(value, Passing));

    private void RememberLasting(string value)
    {
        // Read on every request that injects a secret: only a new value (or one remembered for now) is written.
        if (!_known.TryGetValue(value, out var kind) || kind != Lasting)
        {
            _known[value] = Lasting;
        }
    }

    private string? ReadFile(SecretReference reference)
    {
        var now = time.GetUtcNow();
        if (_files.TryGetValue(reference, out var cached) && now - cached.ReadAt < FileRefresh)
        {
            return cached.Value;
        }

        string? value;
        try
        {
            value = File.Exists(reference.Name) ? File.ReadAllText(reference.Name) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable for now (being rotated, or not this user's): the last value read, if any.
            value = cached.Value;
        }

        _files[reference] = (value, now);
        return value;
    }
}
