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

    /// <summary>
    /// Runs a command at start-up, before the host serves (a SQLite file opened and migrated, or salvaged): nothing waits
    /// on it but the start. Every other use is asynchronous (<see cref="ExecuteAsync"/>); BannedSymbols.txt keeps it so.
    /// </summary>
    public static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
#pragma warning disable RS0030 // This helper is itself banned outside start-up: its callers say why they may block.
        return command.ExecuteNonQuery();
#pragma warning restore RS0030
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A scalar, at start-up only, as <c>Execute</c> is.</summary>
    public static T Scalar<T>(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
#pragma warning disable RS0030 // As Execute: banned itself outside start-up.
        return ValueAs<T>(command.ExecuteScalar());
#pragma warning restore RS0030
    }

    public static async Task<T> ScalarAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return ValueAs<T>(await command.ExecuteScalarAsync(cancellationToken));
    }

    public static async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
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
