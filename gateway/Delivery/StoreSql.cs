using System.Data.Common;
using System.Text.Json;

namespace HaloIlertGateway.Delivery;

/// <summary>
/// The ADO.NET both SQL stores share: commands with parameters (each store names them its own way: <c>$id</c>,
/// <c>@id</c>), the values their columns hold (times as Unix milliseconds, string maps as JSON), and a listing's columns.
/// </summary>
internal static class StoreSql
{
    /// <summary>A table's <paramref name="columns"/> for a listing: every body read as <paramref name="empty"/> (a listing shows none, and never reads one).</summary>
    public static string WithoutBody(string columns, string empty) => columns.Replace(", body,", $", {empty} AS body,", StringComparison.Ordinal);

    public static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    public static Dictionary<string, string> Strings(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public static T Scalar<T>(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return ValueAs<T>(command.ExecuteScalar());
    }

    public static async Task<T> ScalarAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return ValueAs<T>(await command.ExecuteScalarAsync());
    }

    public static List<T> Query<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var results = new List<T>();
        while (reader.Read())
        {
            results.Add(read(reader));
        }

        return results;
    }

    /// <summary>A scalar as <typeparamref name="T"/> (SQLite answers long where PostgreSQL answers int): default for NULL.</summary>
    private static T ValueAs<T>(object? value) =>
        value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
