using System.Globalization;
using Microsoft.Data.Sqlite;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Server.Storage.State;

/// <summary>
/// State in the embedded SQLite database (deploy/sql/sqlite/0003-site-state.sql). SQLite is in-process and has
/// one writer: a commit is one transaction, its statements run one by one.
/// </summary>
public sealed class SqliteStateDatabase(string connectionString, string serviceId, SiteRecordFormat format) : IStateDatabase
{
    public Task<StoredSite?> ReadSiteAsync(string siteId, CancellationToken cancellationToken)
    {
        using var connection = Open();

        // A read transaction, so both queries see one version without blocking the writer (WAL).
        using var transaction = connection.BeginTransaction(deferred: true);
        long version;
        SiteHeader header;
        using (var command = Command(connection, transaction, "SELECT Version, Header FROM SessionGrainsSites WHERE ServiceId = $service AND SiteId = $site;"))
        {
            command.Parameters.AddWithValue("$site", siteId);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return Task.FromResult<StoredSite?>(null);
            }

            version = reader.GetInt64(0);
            header = format.ReadHeader((byte[])reader.GetValue(1));
        }

        var sessions = new List<LiveSession>();
        using (var command = Command(connection, transaction, "SELECT Payload FROM SessionGrainsSiteSessions WHERE ServiceId = $service AND SiteId = $site;"))
        {
            command.Parameters.AddWithValue("$site", siteId);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sessions.Add(format.ReadSession((byte[])reader.GetValue(0)));
            }
        }

        transaction.Commit();
        return Task.FromResult<StoredSite?>(new StoredSite(version, header, sessions));
    }

    public Task<SessionEnd?> FindEndAsync(string siteId, SessionId sessionId, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT Reason, EndedAt FROM SessionGrainsEndedSessions WHERE ServiceId = $service AND SiteId = $site AND SessionId = $id;");
        command.Parameters.AddWithValue("$site", siteId);
        command.Parameters.AddWithValue("$id", sessionId.Value.ToByteArray());
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read()
            ? new SessionEnd(siteId, sessionId, (SessionEndReason)reader.GetInt32(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero))
            : null);
    }

    public Task<IReadOnlySet<int>> CommitAsync(IReadOnlyList<SiteWrite> sites, IReadOnlyList<SessionEnd> ends, DateTimeOffset? endedBefore, CancellationToken cancellationToken)
    {
        using var connection = Open();

        // Immediate: takes the write lock at once, so two writers never deadlock upgrading from a read.
        using var transaction = connection.BeginTransaction(deferred: false);
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        using var insertSite = Command(connection, transaction, "INSERT INTO SessionGrainsSites (ServiceId, SiteId, Version, Header, ModifiedOn) VALUES ($service, $site, 1, $header, $now) ON CONFLICT DO NOTHING;");
        using var updateSite = Command(connection, transaction, "UPDATE SessionGrainsSites SET Version = Version + 1, Header = COALESCE($header, Header), ModifiedOn = $now WHERE ServiceId = $service AND SiteId = $site AND Version = $version;");
        using var upsert = Command(connection, transaction, "INSERT INTO SessionGrainsSiteSessions (ServiceId, SiteId, SessionId, Payload) VALUES ($service, $site, $id, $payload) ON CONFLICT (ServiceId, SiteId, SessionId) DO UPDATE SET Payload = excluded.Payload;");
        using var delete = Command(connection, transaction, "DELETE FROM SessionGrainsSiteSessions WHERE ServiceId = $service AND SiteId = $site AND SessionId = $id;");

        var conflicts = new HashSet<int>();
        for (var i = 0; i < sites.Count; i++)
        {
            var write = sites[i];
            var site = write.ExpectedVersion == 0 ? insertSite : updateSite;
            var header = write.Header ?? (write.ExpectedVersion == 0 ? new SiteHeader() : null);
            site.Parameters.Clear();
            site.Parameters.AddWithValue("$service", serviceId);
            site.Parameters.AddWithValue("$site", write.SiteId);
            site.Parameters.AddWithValue("$header", header is null ? DBNull.Value : format.Write(header));
            site.Parameters.AddWithValue("$now", now);
            if (write.ExpectedVersion != 0)
            {
                site.Parameters.AddWithValue("$version", write.ExpectedVersion);
            }
            if (site.ExecuteNonQuery() != 1)
            {
                // Another activation wrote first: leave its sessions as they are.
                conflicts.Add(i);
                continue;
            }

            foreach (var session in write.Upserts)
            {
                Bind(upsert, write.SiteId, session.SessionId);
                upsert.Parameters.AddWithValue("$payload", format.Write(session));
                upsert.ExecuteNonQuery();
            }

            foreach (var removed in write.Removals)
            {
                Bind(delete, write.SiteId, removed);
                delete.ExecuteNonQuery();
            }
        }

        if (ends.Count > 0)
        {
            using var insertEnd = Command(connection, transaction, "INSERT INTO SessionGrainsEndedSessions (ServiceId, SiteId, SessionId, Reason, EndedAt) VALUES ($service, $site, $id, $reason, $endedAt) ON CONFLICT DO NOTHING;");
            foreach (var end in ends)
            {
                Bind(insertEnd, end.SiteId, end.SessionId);
                insertEnd.Parameters.AddWithValue("$reason", (int)end.Reason);
                insertEnd.Parameters.AddWithValue("$endedAt", end.EndedAt.UtcTicks);
                insertEnd.ExecuteNonQuery();
            }
        }

        if (endedBefore is { } cutoff)
        {
            using var prune = Command(connection, transaction, "DELETE FROM SessionGrainsEndedSessions WHERE ServiceId = $service AND EndedAt < $cutoff;");
            prune.Parameters.AddWithValue("$cutoff", cutoff.UtcTicks);
            prune.ExecuteNonQuery();
        }

        transaction.Commit();
        return Task.FromResult<IReadOnlySet<int>>(conflicts);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private void Bind(SqliteCommand command, string siteId, SessionId sessionId)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$service", serviceId);
        command.Parameters.AddWithValue("$site", siteId);
        command.Parameters.AddWithValue("$id", sessionId.Value.ToByteArray());
    }

    private SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = new SqliteCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("$service", serviceId);
        return command;
    }
}
