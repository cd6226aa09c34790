using System.Data.Common;
using System.Text.Json;
using HaloIlertGateway.Delivery;

namespace HaloIlertGateway.Versions;

/// <summary>
/// The versions of every transform (<c>transform_versions</c>), in the store the outbox uses: SQLite for one gateway,
/// PostgreSQL for a cluster, the same SQL on both. A version is never changed (the table refuses updates and deletes).
/// Numbers are given in order per transform; when two replicas record at once, the primary key (or, for a file's
/// content, a unique index) lets one insert win and the other looks again, so a number is never given twice and a file's
/// content is recorded once.
/// </summary>
internal sealed class TransformVersionStore(IStoreDatabase db, TimeProvider time)
{
    /// <summary>The most versions one listing returns.</summary>
    public const int MaxLimit = 1_000;

    private const string Columns = "name, number, sha256, content_sha256, script, fixtures, settings, settings_published, author, created_at, message, origin, fixture_result";
    private const string ListColumns = "name, number, sha256, content_sha256, NULL AS script, NULL AS fixtures, settings, settings_published, author, created_at, message, origin, fixture_result";
    private const int Attempts = 8;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<TransformVersion?> LatestAsync(string name, CancellationToken cancellationToken) => db.ReadAsync(async connection =>
        (await StoreSql.QueryAsync(connection, null, $"SELECT {Columns} FROM transform_versions WHERE name = @name ORDER BY number DESC LIMIT 1", Read, cancellationToken, ("@name", name)))
            .FirstOrDefault(), cancellationToken);

    public Task<TransformVersion?> GetAsync(string name, int number, CancellationToken cancellationToken) => db.ReadAsync(async connection =>
        (await StoreSql.QueryAsync(connection, null, $"SELECT {Columns} FROM transform_versions WHERE name = @name AND number = @number", Read, cancellationToken,
            ("@name", name), ("@number", (long)number))).FirstOrDefault(), cancellationToken);

    /// <summary>The versions of <paramref name="name"/>, newest first, without their script and fixtures; those before <paramref name="before"/> when given.</summary>
    public Task<List<TransformVersion>> ListAsync(string name, int? before, int limit, CancellationToken cancellationToken) => db.ReadAsync(connection =>
        StoreSql.QueryAsync(connection, null,
            $"SELECT {ListColumns} FROM transform_versions WHERE name = @name AND number < @before ORDER BY number DESC LIMIT @limit", Read, cancellationToken,
            ("@name", name), ("@before", (long)(before ?? int.MaxValue)), ("@limit", (long)Math.Clamp(limit, 1, MaxLimit))), cancellationToken);

    /// <summary>The latest version number of every transform the store has: what a replica compares with what it serves.</summary>
    public Task<Dictionary<string, int>> LatestNumbersAsync(CancellationToken cancellationToken) => db.ReadAsync(async connection =>
        (await StoreSql.QueryAsync(connection, null, "SELECT name, MAX(number) FROM transform_versions GROUP BY name",
            reader => (Name: reader.GetString(0), Number: Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken))
            .ToDictionary(row => row.Name, row => row.Number, StringComparer.Ordinal), cancellationToken);

    /// <summary>
    /// Records <paramref name="draft"/> as the next version of its transform. With <paramref name="expectedLatest"/>,
    /// only if the latest version is that number (0: the transform has none yet), else <see cref="VersionRecord.Stale"/>.
    /// With <paramref name="oncePerContent"/>, not when a version with the same content exists (<see cref="VersionRecord.Known"/>).
    /// </summary>
    public async Task<VersionRecord> RecordAsync(VersionDraft draft, int? expectedLatest, bool oncePerContent, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await db.InTransactionAsync((connection, transaction) => TryRecordAsync(connection, transaction, draft, expectedLatest, oncePerContent, cancellationToken), cancellationToken);
            if (outcome is not null)
            {
                return outcome;
            }

            if (attempt == Attempts)
            {
                throw new InvalidOperationException($"Version of transform '{draft.Name}' not recorded: {Attempts} other versions were recorded at the same time.");
            }
        }
    }

    /// <summary>One try in one transaction; null when another writer took the number, or recorded the file, first (the caller looks again).</summary>
    private async Task<VersionRecord?> TryRecordAsync(
        DbConnection connection, DbTransaction transaction, VersionDraft draft, int? expectedLatest, bool oncePerContent, CancellationToken cancellationToken)
    {
        if (oncePerContent)
        {
            var known = await StoreSql.QueryAsync(connection, transaction,
                $"SELECT {ListColumns} FROM transform_versions WHERE name = @name AND content_sha256 = @content ORDER BY number DESC LIMIT 1", Read, cancellationToken,
                ("@name", draft.Name), ("@content", draft.Content.Fingerprint));
            if (known.Count > 0)
            {
                return new VersionRecord.Known(known[0]);
            }
        }

        var latest = (await StoreSql.QueryAsync(connection, transaction,
            $"SELECT {ListColumns} FROM transform_versions WHERE name = @name ORDER BY number DESC LIMIT 1", Read, cancellationToken, ("@name", draft.Name))).FirstOrDefault();
        if (expectedLatest is { } expected && (latest?.Number ?? 0) != expected)
        {
            return new VersionRecord.Stale(latest);
        }

        var version = new TransformVersion(
            draft.Name, (latest?.Number ?? 0) + 1, draft.Content.Sha256, draft.Content.Fingerprint, draft.Content.Script, draft.Content.Fixtures,
            draft.Content.Settings ?? draft.Settings, draft.Content.Settings is not null, draft.Author, time.GetUtcNow(), draft.Message, draft.Origin, draft.FixtureResult);
        var inserted = await StoreSql.ExecuteAsync(connection, transaction, $"""
            INSERT INTO transform_versions ({Columns})
            VALUES (@name, @number, @sha256, @content, @script, @fixtures, @settings, @published, @author, @at, @message, @origin, @result)
            ON CONFLICT DO NOTHING
            """, cancellationToken,
            ("@name", version.Name), ("@number", (long)version.Number), ("@sha256", version.Sha256), ("@content", version.ContentSha256), ("@script", version.Script),
            ("@fixtures", version.Fixtures), ("@settings", version.Settings), ("@published", version.SettingsPublished ? 1L : 0L), ("@author", version.Author), ("@at", version.CreatedAt.ToUnixTimeMilliseconds()),
            ("@message", version.Message), ("@origin", version.Origin), ("@result", JsonSerializer.Serialize(version.FixtureResult, Json)));
        return inserted == 1 ? new VersionRecord.Recorded(version) : null;
    }

    private static TransformVersion Read(DbDataReader reader) => new(
        reader.GetString(0),
        Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
        reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        Convert.ToInt64(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture) != 0,
        reader.GetString(8),
        StoreSql.Time(reader.GetInt64(9)),
        reader.GetString(10),
        reader.GetString(11),
        JsonSerializer.Deserialize<List<FixtureVerdict>>(reader.GetString(12), Json) ?? []);
}
