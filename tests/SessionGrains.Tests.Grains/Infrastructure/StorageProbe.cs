using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains.Infrastructure;

/// <summary>Reads the grain storage table directly, to see what the grains really wrote.</summary>
public static class StorageProbe
{
    /// <summary>The stored version of a site's state (not its activity history): it grows by one with every write.</summary>
    public static async Task<int> SiteVersionAsync(StorageTarget storage, string siteId)
    {
        await using var connection = storage.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Version FROM SessionGrainsSites WHERE SiteId = @site;";
        command.AddParameter("site", siteId);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes a site's row as another activation of it would (its version moves on), leaving its content as it was.</summary>
    public static async Task WriteAsAnotherActivationAsync(StorageTarget storage, string siteId)
    {
        await using var connection = storage.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE SessionGrainsSites SET Version = Version + 1 WHERE SiteId = @site;";
        command.AddParameter("site", siteId);
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"Site {siteId} is not stored.");
        }
    }

    /// <summary>Ended sessions on record (how each ended, for users who come back later).</summary>
    public static Task<long> EndedSessionCountAsync(StorageTarget storage) => CountAsync(storage, "SessionGrainsEndedSessions");

    /// <summary>Rows in the grain storage table.</summary>
    public static Task<long> RowCountAsync(StorageTarget storage) => CountAsync(storage, "OrleansStorage");

    private static async Task<long> CountAsync(StorageTarget storage, string table)
    {
        await using var connection = storage.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
