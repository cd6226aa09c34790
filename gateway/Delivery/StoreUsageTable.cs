using System.Data.Common;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The <c>store_usage</c> table: the bytes each class of row holds, kept exact by the triggers of <c>outbox</c> and
/// <c>dead_letters</c> on both providers. Its categories: events of known keys, of keys on probation, dead letters,
/// anonymous dead letters.
/// </summary>
internal static class StoreUsageTable
{
    public const string Events = "events";
    public const string Probation = "probation";
    public const string Dead = "dead";
    public const string AnonymousDead = "dead-anonymous";

    /// <summary>What each class of row holds now (the triggers of <c>outbox</c> and <c>dead_letters</c> keep <c>store_usage</c> exact).</summary>
    public static async Task<StoreUsage> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var bytes = (await StoreSql.QueryAsync(connection, transaction, "SELECT category, SUM(bytes) FROM store_usage GROUP BY category",
                r => (r.GetString(0), r.IsDBNull(1) ? 0L : Convert.ToInt64(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken))
            .ToDictionary(pair => pair.Item1, pair => pair.Item2);
        var anonymous = bytes.GetValueOrDefault(AnonymousDead);
        return new StoreUsage(bytes.GetValueOrDefault(Events), bytes.GetValueOrDefault(Probation), bytes.GetValueOrDefault(Dead) + anonymous, anonymous);
    }
}
