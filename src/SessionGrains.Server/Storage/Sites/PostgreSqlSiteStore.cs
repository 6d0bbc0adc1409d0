using Npgsql;
using NpgsqlTypes;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Server.Storage.Sites;

/// <summary>
/// Sites in PostgreSQL (deploy/sql/postgresql/0005-site-store.sql). A write is one transaction sent in one round
/// trip (version check, session upserts and removals as arrays) and a commit, whatever the number of changes.
/// </summary>
public sealed class PostgreSqlSiteStore(NpgsqlDataSource database, string serviceId, SiteRecordFormat format, ILogger<PostgreSqlSiteStore> logger)
    : ISiteStore
{
    public Task<StoredSite?> ReadAsync(string siteId, CancellationToken cancellationToken = default) =>
        SiteStoreFaults.GuardAsync(ReadCoreAsync(siteId, cancellationToken), logger, siteId);

    public Task WriteAsync(SiteWrite write, CancellationToken cancellationToken = default) =>
        SiteStoreFaults.GuardAsync(WriteCoreAsync(write, cancellationToken), logger, write.SiteId);

    private async Task<StoredSite?> ReadCoreAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for both queries, so the header and the sessions are of the same version.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        long version;
        SiteHeader header;
        await using (var command = new NpgsqlCommand("SELECT Version, Header FROM SessionGrainsSites WHERE ServiceId = $1 AND SiteId = $2;", connection, transaction))
        {
            command.Parameters.Add(new() { Value = serviceId });
            command.Parameters.Add(new() { Value = siteId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            version = reader.GetInt64(0);
            header = format.ReadHeader(reader.GetFieldValue<byte[]>(1));
        }

        var sessions = new List<LiveSession>();
        await using (var command = new NpgsqlCommand("SELECT Payload FROM SessionGrainsSiteSessions WHERE ServiceId = $1 AND SiteId = $2;", connection, transaction))
        {
            command.Parameters.Add(new() { Value = serviceId });
            command.Parameters.Add(new() { Value = siteId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sessions.Add(format.ReadSession(reader.GetFieldValue<byte[]>(0)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoredSite(version, header, sessions);
    }

    private async Task<bool> WriteCoreAsync(SiteWrite write, CancellationToken cancellationToken)
    {
        var header = write.Header is { } changed ? format.Write(changed) : null;
        var ids = new Guid[write.Upserts.Count];
        var payloads = new byte[write.Upserts.Count][];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = write.Upserts[i].SessionId.Value;
            payloads[i] = format.Write(write.Upserts[i]);
        }

        var removals = write.Removals.Select(id => id.Value).ToArray();

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(write.ExpectedVersion == 0
            ? Command(
                "INSERT INTO SessionGrainsSites (ServiceId, SiteId, Version, Header, ModifiedOn) VALUES ($1, $2, 1, $3, now()) ON CONFLICT DO NOTHING;",
                serviceId, write.SiteId, header ?? format.Write(new SiteHeader()))
            : Command(
                "UPDATE SessionGrainsSites SET Version = Version + 1, Header = COALESCE($4, Header), ModifiedOn = now() WHERE ServiceId = $1 AND SiteId = $2 AND Version = $3;",
                serviceId, write.SiteId, write.ExpectedVersion, new NpgsqlParameter { Value = (object?)header ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea }));
        if (ids.Length > 0)
        {
            batch.BatchCommands.Add(Command(
                """
                INSERT INTO SessionGrainsSiteSessions (ServiceId, SiteId, SessionId, Payload)
                SELECT $1, $2, changed.Id, changed.Payload FROM unnest($3::uuid[], $4::bytea[]) AS changed(Id, Payload)
                ON CONFLICT (ServiceId, SiteId, SessionId) DO UPDATE SET Payload = excluded.Payload;
                """,
                serviceId, write.SiteId, ids, new NpgsqlParameter { Value = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea }));
        }

        if (removals.Length > 0)
        {
            batch.BatchCommands.Add(Command(
                "DELETE FROM SessionGrainsSiteSessions WHERE ServiceId = $1 AND SiteId = $2 AND SessionId = ANY($3);",
                serviceId, write.SiteId, removals));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (batch.BatchCommands[0].RecordsAffected != 1)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            throw new SiteWriteConflictException(write.SiteId);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
