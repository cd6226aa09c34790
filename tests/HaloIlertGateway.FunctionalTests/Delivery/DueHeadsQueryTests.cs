using System.Text.RegularExpressions;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Delivery.Postgres;
using HaloIlertGateway.Delivery.Sqlite;

namespace HaloIlertGateway.FunctionalTests.Delivery;

/// <summary>
/// The due-heads query of each store and the parameters it is given (the contract suite runs them on a database); here
/// because it names the stores' types, which unit tests may not.
/// </summary>
public sealed partial class DueHeadsQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AKeyIsAskedForNoMoreHeadsThanTheAnswerHolds()
    {
        Assert.Equal(8L, PerKey(PostgresHeads.DueParameters(Now, 32, new DueFilter([], Probation: true, PerKey: 8))));
        Assert.Equal(32L, PerKey(PostgresHeads.DueParameters(Now, 32, DueFilter.Any)));
        Assert.Equal(8L, PerKey(SqliteHeads.DueParameters(Now, 32, new DueFilter([], Probation: true, PerKey: 8))));
        Assert.Equal(10L, PerKey(SqliteHeads.DueParameters(Now, 10, DueFilter.Any)));
    }

    [Fact]
    public void EveryParameterTheQueriesNameIsGivenAndNoOther()
    {
        var filter = new DueFilter(["busy"], Probation: false, PerKey: 2);

        Assert.Equal(Names(PostgresParameter(), PostgresHeads.DueSql), PostgresHeads.DueParameters(Now, 5, filter).Select(p => "@" + p.Name).Order());
        Assert.Equal(Names(SqliteParameter(), SqliteHeads.DueSql), SqliteHeads.DueParameters(Now, 5, filter).Select(p => p.Name).Order());
    }

    private static long PerKey((string Name, object? Value)[] parameters) =>
        Convert.ToInt64(parameters.Single(p => p.Name.EndsWith("perKey", StringComparison.Ordinal)).Value, System.Globalization.CultureInfo.InvariantCulture);

    private static IOrderedEnumerable<string> Names(Regex parameter, string sql) => parameter.Matches(sql).Select(m => m.Value).Distinct().Order();

    [GeneratedRegex(@"@[a-zA-Z]+")]
    private static partial Regex PostgresParameter();

    [GeneratedRegex(@"\$[a-zA-Z]+")]
    private static partial Regex SqliteParameter();
}
