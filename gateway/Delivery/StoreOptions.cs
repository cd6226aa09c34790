using System.ComponentModel.DataAnnotations;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Security;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// Where the outbox, dead letters and (in a cluster) ilert's pacing live. Section <c>Gateway:Store</c>. SQLite (the
/// default) is one file for one gateway; PostgreSQL is shared by every replica.
/// </summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string SectionName = "Gateway:Store";

    /// <summary><c>Sqlite</c> (default: <see cref="DeliveryOptions.DatabasePath"/>) or <c>Postgres</c>.</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>
    /// With <c>Postgres</c>: where the connection string is, as a secret reference (<c>env:NAME</c> or
    /// <c>file:/path</c>), never the string itself (it holds a password). Default: none.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long one PostgreSQL command may take before the operation counts as failed. Default 10 s.</summary>
    [TimeSpanRange("00:00:01", "00:05:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StoreProvider.Postgres && !SecretReference.TryParse(ConnectionString, out _))
        {
            yield return new ValidationResult(
                "Gateway:Store:ConnectionString must name where the PostgreSQL connection string is (env:NAME or file:/path) when Gateway:Store:Provider is Postgres.",
                [nameof(ConnectionString)]);
        }
    }
}
