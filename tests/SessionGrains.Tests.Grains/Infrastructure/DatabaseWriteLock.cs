using System.Data.Common;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains.Infrastructure;

/// <summary>
/// Holds the database's write lock from a connection of its own, as another writer would: every commit that
/// writes a site waits until the lock is disposed. How a test makes writes pile up behind one in flight.
/// </summary>
public sealed class DatabaseWriteLock : IAsyncDisposable
{
    private readonly DbConnection _connection;

    private DatabaseWriteLock(DbConnection connection) => _connection = connection;

    public static async Task<DatabaseWriteLock> HoldAsync(StorageTarget storage)
    {
        var connection = storage.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = storage.Kind == StorageKind.Sqlite
            ? "BEGIN IMMEDIATE;"
            : "BEGIN; LOCK TABLE SessionGrainsSites IN SHARE ROW EXCLUSIVE MODE;";
        await command.ExecuteNonQueryAsync();
        return new DatabaseWriteLock(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var command = _connection.CreateCommand())
        {
            command.CommandText = "ROLLBACK;";
            await command.ExecuteNonQueryAsync();
        }

        await _connection.DisposeAsync();
    }
}
