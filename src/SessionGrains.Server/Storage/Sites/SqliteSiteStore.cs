using System.Globalization;
using Microsoft.Data.Sqlite;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Server.Storage.Sites;

/// <summary>Sites in the embedded SQLite database (deploy/sql/sqlite/0003-site-store.sql); a write is one transaction.</summary>
public sealed class SqliteSiteStore(string connectionString, string serviceId, SiteRecordFormat format, ILogger<SqliteSiteStore> logger)
    : ISiteStore
{
    public Task<StoredSite?> ReadAsync(string siteId, CancellationToken cancellationToken = default) =>
        SiteStoreFaults.GuardAsync(ReadCoreAsync(siteId, cancellationToken), logger, siteId);

    public Task WriteAsync(SiteWrite write, CancellationToken cancellationToken = default) =>
        SiteStoreFaults.GuardAsync(WriteCoreAsync(write, cancellationToken), logger, write.SiteId);

    private async Task<StoredSite?> ReadCoreAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Deferred: a read transaction, so both queries see the same version without blocking the writer.
        await using var transaction = connection.BeginTransaction(deferred: true);
        long version;
        SiteHeader header;
        await using (var command = Command(connection, transaction, "SELECT Version, Header FROM SessionGrainsSites WHERE ServiceId = $service AND SiteId = $site;", siteId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            version = reader.GetInt64(0);
            header = format.ReadHeader((byte[])reader.GetValue(1));
        }

        var sessions = new List<LiveSession>();
        await using (var command = Command(connection, transaction, "SELECT Payload FROM SessionGrainsSiteSessions WHERE ServiceId = $service AND SiteId = $site;", siteId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sessions.Add(format.ReadSession((byte[])reader.GetValue(0)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoredSite(version, header, sessions);
    }

    private async Task<bool> WriteCoreAsync(SiteWrite write, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Immediate: takes the write lock at once, so two writers never deadlock upgrading from a read.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        await using (var site = write.ExpectedVersion == 0
            ? Command(connection, transaction, "INSERT INTO SessionGrainsSites (ServiceId, SiteId, Version, Header, ModifiedOn) VALUES ($service, $site, 1, $header, $now) ON CONFLICT DO NOTHING;", write.SiteId)
            : Command(connection, transaction, "UPDATE SessionGrainsSites SET Version = Version + 1, Header = COALESCE($header, Header), ModifiedOn = $now WHERE ServiceId = $service AND SiteId = $site AND Version = $version;", write.SiteId))
        {
            var header = write.Header ?? (write.ExpectedVersion == 0 ? new SiteHeader() : null);
            site.Parameters.AddWithValue("$header", header is null ? DBNull.Value : format.Write(header));
            site.Parameters.AddWithValue("$now", now);
            site.Parameters.AddWithValue("$version", write.ExpectedVersion);
            if (await site.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                throw new SiteWriteConflictException(write.SiteId);
            }
        }

        if (write.Upserts.Count > 0)
        {
            await using var upsert = Command(
                connection,
                transaction,
                "INSERT INTO SessionGrainsSiteSessions (ServiceId, SiteId, SessionId, Payload) VALUES ($service, $site, $id, $payload) ON CONFLICT (ServiceId, SiteId, SessionId) DO UPDATE SET Payload = excluded.Payload;",
                write.SiteId);
            var id = upsert.Parameters.Add("$id", SqliteType.Blob);
            var payload = upsert.Parameters.Add("$payload", SqliteType.Blob);
            foreach (var session in write.Upserts)
            {
                id.Value = session.SessionId.Value.ToByteArray();
                payload.Value = format.Write(session);
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (write.Removals.Count > 0)
        {
            await using var delete = Command(connection, transaction, "DELETE FROM SessionGrainsSiteSessions WHERE ServiceId = $service AND SiteId = $site AND SessionId = $id;", write.SiteId);
            var id = delete.Parameters.Add("$id", SqliteType.Blob);
            foreach (var removed in write.Removals)
            {
                id.Value = removed.Value.ToByteArray();
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, string siteId)
    {
        var command = new SqliteCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("$service", serviceId);
        command.Parameters.AddWithValue("$site", siteId);
        return command;
    }
}
