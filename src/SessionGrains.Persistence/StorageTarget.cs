using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SessionGrains.Persistence;

/// <summary>The database that holds grain state: which engine, and how to reach it.</summary>
public sealed record StorageTarget(StorageKind Kind, string ConnectionString)
{
    public const string ConnectionStringName = "SessionGrains";
    public const string SqliteFileName = "sessiongrains.db";

    /// <summary>The ADO.NET invariant name under which the Orleans providers load the driver.</summary>
    public string Invariant => Kind switch
    {
        StorageKind.Sqlite => "System.Data.SQLite", // Orleans maps this name to Microsoft.Data.Sqlite.
        StorageKind.PostgreSql => "Npgsql",
        _ => throw new InvalidOperationException($"Unknown storage kind {Kind}."),
    };

    /// <summary>The folder under deploy/sql (and the embedded resource prefix) that holds this engine's scripts.</summary>
    public string Dialect => Kind switch
    {
        StorageKind.Sqlite => "sqlite",
        StorageKind.PostgreSql => "postgresql",
        _ => throw new InvalidOperationException($"Unknown storage kind {Kind}."),
    };

    public static StorageTarget Sqlite(string databasePath) =>
        new(StorageKind.Sqlite, new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true }.ConnectionString);

    public static StorageTarget PostgreSql(string connectionString) => new(StorageKind.PostgreSql, connectionString);

    public DbConnection CreateConnection() => Kind switch
    {
        StorageKind.Sqlite => new SqliteConnection(ConnectionString),
        StorageKind.PostgreSql => new NpgsqlConnection(ConnectionString),
        _ => throw new InvalidOperationException($"Unknown storage kind {Kind}."),
    };

    /// <summary>Safe to log: the connection string may hold a password.</summary>
    public string Describe() => Kind switch
    {
        StorageKind.Sqlite => $"SQLite {new SqliteConnectionStringBuilder(ConnectionString).DataSource}",
        StorageKind.PostgreSql => DescribePostgreSql(),
        _ => Kind.ToString(),
    };

    public override string ToString() => Describe();

    private string DescribePostgreSql()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }
}
