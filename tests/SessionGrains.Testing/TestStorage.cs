using SessionGrains.Persistence;

namespace SessionGrains.Testing;

public static class TestStorage
{
    /// <summary>A fresh, empty database of the given kind: a new SQLite file, or a new database on the test PostgreSQL server.</summary>
    public static async Task<StorageTarget> CreateAsync(StorageKind kind)
    {
        if (kind == StorageKind.PostgreSql)
        {
            var server = await PostgresServer.GetAsync();
            return StorageTarget.PostgreSql(await server.CreateDatabaseAsync());
        }

        var folder = Path.Combine(Path.GetTempPath(), $"sessiongrains-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return StorageTarget.Sqlite(Path.Combine(folder, StorageTarget.SqliteFileName));
    }

    /// <summary>Drops a PostgreSQL test database under a running server, closing its connections: the database goes away.</summary>
    public static async Task DropAsync(StorageTarget storage)
    {
        var database = new Npgsql.NpgsqlConnectionStringBuilder(storage.ConnectionString).Database;
        await using var admin = new Npgsql.NpgsqlConnection((await PostgresServer.GetAsync()).ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE {database} WITH (FORCE);", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Removes a SQLite test database (PostgreSQL test databases go with their throwaway server).</summary>
    public static void Delete(StorageTarget storage)
    {
        if (storage.Kind != StorageKind.Sqlite)
        {
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }
}
