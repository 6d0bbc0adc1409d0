using System.Globalization;
using Microsoft.Data.Sqlite;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Persistence.State;

/// <summary>
/// State in the embedded SQLite database (deploy/sql/sqlite/0003-site-state.sql). SQLite is in-process and has
/// one writer: a commit is one transaction, its statements run one by one.
/// </summary>
public sealed class SqliteStateDatabase(string connectionString, string serviceId, SiteRecordFormat format) : IStateDatabase, IDisposable
{
    // A commit and the disposal never overlap: a silo that stops (or is killed) disposes the store while a site's
    // last write, made as it deactivates, may still be committing on the thread pool.
    private readonly Lock _gate = new();
    private Writer? _writer;
    private bool _disposed;

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _writer?.Dispose();
            _writer = null;
        }
    }

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

        var tickets = new List<WaitingTicket>();
        using (var command = Command(connection, transaction, "SELECT Payload FROM SessionGrainsSiteTickets WHERE ServiceId = $service AND SiteId = $site;"))
        {
            command.Parameters.AddWithValue("$site", siteId);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tickets.Add(format.ReadTicket((byte[])reader.GetValue(0)));
            }
        }

        transaction.Commit();
        return Task.FromResult<StoredSite?>(new StoredSite(version, header, sessions) { Tickets = tickets });
    }

    public Task<IReadOnlyList<UsageDay>> ReadUsageAsync(string siteId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT Payload FROM SessionGrainsSiteUsage WHERE ServiceId = $service AND SiteId = $site AND Day BETWEEN $from AND $to ORDER BY Day;");
        command.Parameters.AddWithValue("$site", siteId);
        command.Parameters.AddWithValue("$from", DayText(firstDay));
        command.Parameters.AddWithValue("$to", DayText(lastDay));
        using var reader = command.ExecuteReader();
        var days = new List<UsageDay>();
        while (reader.Read())
        {
            days.Add(format.ReadUsage((byte[])reader.GetValue(0)));
        }

        return Task.FromResult<IReadOnlyList<UsageDay>>(days);
    }

    /// <summary>Days are stored as 'YYYY-MM-DD': sorted as dates, and SQLite's date functions read them.</summary>
    private static string DayText(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

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

    public Task<IReadOnlySet<int>> CommitAsync(IReadOnlyList<SiteWrite> sites, EndPruning? pruning, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // The store commits one batch at a time, so one connection with its statements prepared once serves every commit.
            var writer = _writer ??= new Writer(Open(), serviceId);
            try
            {
                return Task.FromResult<IReadOnlySet<int>>(writer.Commit(sites, pruning, format));
            }
            catch
            {
                // After a failure the connection's state is unknown: the next commit starts on a fresh one.
                _writer = null;
                writer.Dispose();
                throw;
            }
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = new SqliteCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("$service", serviceId);
        return command;
    }

    /// <summary>The writing connection and its prepared statements.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insertSite;
        private readonly SqliteCommand _updateSite;
        private readonly SqliteCommand _upsertSession;
        private readonly SqliteCommand _deleteSession;
        private readonly SqliteCommand _upsertTicket;
        private readonly SqliteCommand _deleteTicket;
        private readonly SqliteCommand _upsertUsage;
        private readonly SqliteCommand _pruneUsage;
        private readonly SqliteCommand _insertEnd;
        private readonly SqliteCommand _prune;
        private readonly SqliteCommand _pruneSite;

        public Writer(SqliteConnection connection, string serviceId)
        {
            _connection = connection;
            _insertSite = Prepare("INSERT INTO SessionGrainsSites (ServiceId, SiteId, Version, Header, ModifiedOn) VALUES ($service, $site, 1, $header, $now) ON CONFLICT DO NOTHING;", "$site", "$header", "$now");
            _updateSite = Prepare("UPDATE SessionGrainsSites SET Version = Version + 1, Header = COALESCE($header, Header), ModifiedOn = $now WHERE ServiceId = $service AND SiteId = $site AND Version = $version;", "$site", "$header", "$now", "$version");
            _upsertSession = Prepare("INSERT INTO SessionGrainsSiteSessions (ServiceId, SiteId, SessionId, Payload) VALUES ($service, $site, $id, $payload) ON CONFLICT (ServiceId, SiteId, SessionId) DO UPDATE SET Payload = excluded.Payload;", "$site", "$id", "$payload");
            _deleteSession = Prepare("DELETE FROM SessionGrainsSiteSessions WHERE ServiceId = $service AND SiteId = $site AND SessionId = $id;", "$site", "$id");
            _upsertTicket = Prepare("INSERT INTO SessionGrainsSiteTickets (ServiceId, SiteId, TicketId, Payload) VALUES ($service, $site, $id, $payload) ON CONFLICT (ServiceId, SiteId, TicketId) DO UPDATE SET Payload = excluded.Payload;", "$site", "$id", "$payload");
            _deleteTicket = Prepare("DELETE FROM SessionGrainsSiteTickets WHERE ServiceId = $service AND SiteId = $site AND TicketId = $id;", "$site", "$id");
            _upsertUsage = Prepare(
                $"INSERT INTO SessionGrainsSiteUsage (ServiceId, SiteId, Day, {UsageColumns.Names()}, Payload) VALUES ($service, $site, $day, {UsageColumns.Names("$")}, $payload) "
                + $"ON CONFLICT (ServiceId, SiteId, Day) DO UPDATE SET {UsageColumns.Updates()};",
                ["$site", "$day", .. UsageColumns.Figures.Select(column => "$" + column.Name), "$payload"]);
            _pruneUsage = Prepare("DELETE FROM SessionGrainsSiteUsage WHERE ServiceId = $service AND Day < $cutoff;", "$cutoff");
            _insertEnd = Prepare("INSERT INTO SessionGrainsEndedSessions (ServiceId, SiteId, SessionId, Reason, EndedAt) VALUES ($service, $site, $id, $reason, $endedAt) ON CONFLICT DO NOTHING;", "$site", "$id", "$reason", "$endedAt");
            _prune = Prepare("DELETE FROM SessionGrainsEndedSessions WHERE ServiceId = $service AND EndedAt < $cutoff;", "$cutoff");

            // The newest ended session to delete is the one after those kept; it and all older go. Both steps walk the
            // site's own index (0006-ended-sessions-per-site.sql), so the cost grows with what is kept and deleted.
            _pruneSite = Prepare(
                """
                DELETE FROM SessionGrainsEndedSessions
                WHERE ServiceId = $service AND SiteId = $site AND (EndedAt, SessionId) <= (
                    SELECT EndedAt, SessionId FROM SessionGrainsEndedSessions
                    WHERE ServiceId = $service AND SiteId = $site
                    ORDER BY EndedAt DESC, SessionId DESC
                    LIMIT 1 OFFSET $kept);
                """,
                "$site",
                "$kept");

            SqliteCommand Prepare(string sql, params string[] parameters)
            {
                var command = connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$service", serviceId);
                foreach (var name in parameters)
                {
                    command.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                return command;
            }
        }

        public HashSet<int> Commit(IReadOnlyList<SiteWrite> sites, EndPruning? pruning, SiteRecordFormat format)
        {
            // Immediate: takes the write lock at once, so two writers never deadlock upgrading from a read.
            using var transaction = _connection.BeginTransaction(deferred: false);
            var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            var conflicts = new HashSet<int>();
            for (var i = 0; i < sites.Count; i++)
            {
                var write = sites[i];
                var header = write.Header ?? (write.ExpectedVersion == 0 ? new SiteHeader() : null);
                var site = Bind(write.ExpectedVersion == 0 ? _insertSite : _updateSite, transaction);
                site.Parameters["$site"].Value = write.SiteId;
                site.Parameters["$header"].Value = header is null ? DBNull.Value : format.Write(header);
                site.Parameters["$now"].Value = now;
                if (write.ExpectedVersion != 0)
                {
                    site.Parameters["$version"].Value = write.ExpectedVersion;
                }

                if (site.ExecuteNonQuery() != 1)
                {
                    // Another activation wrote first: leave its sessions as they are.
                    conflicts.Add(i);
                    continue;
                }

                WriteRows(write.SiteId, transaction, _upsertSession, write.Upserts, session => session.SessionId, format.Write, _deleteSession, write.Removals);
                if (write.HasTicketChanges)
                {
                    WriteRows(write.SiteId, transaction, _upsertTicket, write.TicketUpserts, ticket => ticket.Id, format.Write, _deleteTicket, write.TicketRemovals);
                }

                WriteUsage(write.SiteId, transaction, write.UsageUpserts, format);
                WriteEnds(write.SiteId, transaction, write.Ends);
            }

            if (pruning?.EndedBefore is { } cutoff)
            {
                var prune = Bind(_prune, transaction);
                prune.Parameters["$cutoff"].Value = cutoff.UtcTicks;
                prune.ExecuteNonQuery();
            }

            if (pruning?.UsageBefore is { } usageCutoff)
            {
                var pruneUsage = Bind(_pruneUsage, transaction);
                pruneUsage.Parameters["$cutoff"].Value = DayText(usageCutoff);
                pruneUsage.ExecuteNonQuery();
            }

            var pruneSite = Bind(_pruneSite, transaction);
            foreach (var siteId in pruning?.Sites ?? [])
            {
                pruneSite.Parameters["$site"].Value = siteId;
                pruneSite.Parameters["$kept"].Value = pruning!.KeptPerSite;
                pruneSite.ExecuteNonQuery();
            }

            transaction.Commit();
            return conflicts;
        }

        private void WriteUsage(string siteId, SqliteTransaction transaction, IReadOnlyList<UsageDay> days, SiteRecordFormat format)
        {
            var upsert = Bind(_upsertUsage, transaction);
            upsert.Parameters["$site"].Value = siteId;
            foreach (var day in days)
            {
                upsert.Parameters["$day"].Value = DayText(day.Day);
                foreach (var (name, value) in UsageColumns.Figures)
                {
                    upsert.Parameters["$" + name].Value = value(day) is { } figure ? figure : DBNull.Value;
                }

                upsert.Parameters["$payload"].Value = format.Write(day);
                upsert.ExecuteNonQuery();
            }
        }

        private void WriteEnds(string siteId, SqliteTransaction transaction, IReadOnlyList<SessionEnd> ends)
        {
            var insert = Bind(_insertEnd, transaction);
            insert.Parameters["$site"].Value = siteId;
            foreach (var end in ends)
            {
                insert.Parameters["$id"].Value = end.SessionId.Value.ToByteArray();
                insert.Parameters["$reason"].Value = (int)end.Reason;
                insert.Parameters["$endedAt"].Value = end.EndedAt.UtcTicks;
                insert.ExecuteNonQuery();
            }
        }

        /// <summary>A site's rows of one kind (sessions, or tickets of its line): those that changed, then those that went.</summary>
        private static void WriteRows<TRecord>(
            string siteId,
            SqliteTransaction transaction,
            SqliteCommand upsert,
            IReadOnlyList<TRecord> upserts,
            Func<TRecord, SessionId> idOf,
            Func<TRecord, byte[]> payloadOf,
            SqliteCommand delete,
            IReadOnlyList<SessionId> removals)
        {
            Bind(upsert, transaction).Parameters["$site"].Value = siteId;
            foreach (var record in upserts)
            {
                upsert.Parameters["$id"].Value = idOf(record).Value.ToByteArray();
                upsert.Parameters["$payload"].Value = payloadOf(record);
                upsert.ExecuteNonQuery();
            }

            Bind(delete, transaction).Parameters["$site"].Value = siteId;
            foreach (var removed in removals)
            {
                delete.Parameters["$id"].Value = removed.Value.ToByteArray();
                delete.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
            foreach (var command in new[] { _insertSite, _updateSite, _upsertSession, _deleteSession, _upsertTicket, _deleteTicket, _upsertUsage, _pruneUsage, _insertEnd, _prune, _pruneSite })
            {
                command.Dispose();
            }

            _connection.Dispose();
        }

        private static SqliteCommand Bind(SqliteCommand command, SqliteTransaction transaction)
        {
            command.Transaction = transaction;
            return command;
        }
    }
}
