using Npgsql;
using NpgsqlTypes;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Persistence.State;

/// <summary>
/// State in PostgreSQL (deploy/sql/postgresql/0005-site-state.sql). A commit is one batch of statements in one
/// round trip, which PostgreSQL runs as one transaction: one statement per site write (its version check, and gated by
/// it its session rows, tickets, usage rows and end records).
/// </summary>
public sealed class PostgreSqlStateDatabase(NpgsqlDataSource database, string serviceId, SiteRecordFormat format) : IStateDatabase, IDisposable
{
    /// <summary>A data source for this store: the same statements run all the time, so they are prepared once per connection.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
        }

        return builder.Build();
    }

    public void Dispose() => database.Dispose();

    // The version check gates the session rows: a write that lost to another writer leaves them as they are.
    private static readonly string UpdateSiteChanges = $"""
        WITH site AS (
            UPDATE SessionGrainsSites SET Version = Version + 1, Header = COALESCE($4, Header), ModifiedOn = now()
            WHERE ServiceId = $1 AND SiteId = $2 AND Version = $3
            RETURNING 1),
        upserted AS (
            INSERT INTO SessionGrainsSiteSessions (ServiceId, SiteId, SessionId, Payload)
            SELECT $1, $2, changed.Id, changed.Payload FROM unnest($5::uuid[], $6::bytea[]) AS changed(Id, Payload)
            WHERE EXISTS (SELECT 1 FROM site)
            ON CONFLICT (ServiceId, SiteId, SessionId) DO UPDATE SET Payload = excluded.Payload),
        removed AS (
            {DeleteByKey("SessionGrainsSiteSessions", "SessionId", "$7")})
        """;

    // A site's first write: the insert loses if another activation stored the site first.
    private const string InsertSiteChanges = """
        WITH site AS (
            INSERT INTO SessionGrainsSites (ServiceId, SiteId, Version, Header, ModifiedOn) VALUES ($1, $2, 1, $3, now())
            ON CONFLICT DO NOTHING
            RETURNING 1),
        upserted AS (
            INSERT INTO SessionGrainsSiteSessions (ServiceId, SiteId, SessionId, Payload)
            SELECT $1, $2, changed.Id, changed.Payload FROM unnest($4::uuid[], $5::bytea[]) AS changed(Id, Payload)
            WHERE EXISTS (SELECT 1 FROM site)
            ON CONFLICT (ServiceId, SiteId, SessionId) DO UPDATE SET Payload = excluded.Payload)
        """;

    private const string CountSite = "SELECT count(*) FROM site;";

    // A commit runs each site's statement with the plan PostgreSQL made once for it. Left to choose, PostgreSQL plans
    // such a statement anew on every execution whenever its estimate favours the parameters at hand, and a commit of
    // 64 sites then spent half its time planning. Every statement of a commit finds its rows by primary key, so the
    // one plan is right whatever the parameters (see DeleteByKey). LOCAL: for this transaction only.
    private const string GenericPlans = "SET LOCAL plan_cache_mode = force_generic_plan;";

    // One statement text per kind of write (first or later, and which optional parts it carries), made on first use:
    // the same few texts run all the time, so each is prepared once per connection.
    private static readonly string?[] Statements = new string?[16];

    [Flags]
    private enum Parts
    {
        None = 0,
        Tickets = 1,
        Usage = 2,
        Ends = 4,
        FirstWrite = 8,
    }

    // Per site, the newest ended session to delete is the one after those kept; it and all older go. Both steps walk
    // the site's own index (0008-ended-sessions-per-site.sql) newest first, so the cost grows with what is kept and
    // deleted, never with the table. The rows are found per site first, in a subquery the planner may not merge into a
    // join (OFFSET 0), then deleted by their row address: written as one join, the plan a statement keeps (made while
    // the table was small) read the service's whole table and walked each site's kept ends again for every one of them.
    private const string PruneSites = """
        DELETE FROM SessionGrainsEndedSessions AS ended
        USING (
            SELECT older.ctid
            FROM unnest($2::text[]) AS site(SiteId)
            CROSS JOIN LATERAL (
                SELECT newer.EndedAt, newer.SessionId FROM SessionGrainsEndedSessions AS newer
                WHERE newer.ServiceId = $1 AND newer.SiteId = site.SiteId
                ORDER BY newer.EndedAt DESC, newer.SessionId DESC
                OFFSET $3 LIMIT 1) AS edge
            CROSS JOIN LATERAL (
                SELECT candidate.ctid FROM SessionGrainsEndedSessions AS candidate
                WHERE candidate.ServiceId = $1 AND candidate.SiteId = site.SiteId
                    AND (candidate.EndedAt, candidate.SessionId) <= (edge.EndedAt, edge.SessionId)
                OFFSET 0) AS older) AS doomed
        WHERE ended.ctid = doomed.ctid;
        """;

    public async Task<StoredSite?> ReadSiteAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for both queries, so the header and the sessions are of one version.
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

        var tickets = new List<WaitingTicket>();
        await using (var command = new NpgsqlCommand("SELECT Payload FROM SessionGrainsSiteTickets WHERE ServiceId = $1 AND SiteId = $2;", connection, transaction))
        {
            command.Parameters.Add(new() { Value = serviceId });
            command.Parameters.Add(new() { Value = siteId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tickets.Add(format.ReadTicket(reader.GetFieldValue<byte[]>(0)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoredSite(version, header, sessions) { Tickets = tickets };
    }

    public async Task<IReadOnlyList<UsageDay>> ReadUsageAsync(string siteId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT Payload FROM SessionGrainsSiteUsage WHERE ServiceId = $1 AND SiteId = $2 AND Day BETWEEN $3 AND $4 ORDER BY Day;");
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = siteId });
        command.Parameters.Add(new() { Value = firstDay });
        command.Parameters.Add(new() { Value = lastDay });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var days = new List<UsageDay>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            days.Add(format.ReadUsage(reader.GetFieldValue<byte[]>(0)));
        }

        return days;
    }

    public async Task<SessionEnd?> FindEndAsync(string siteId, SessionId sessionId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT Reason, EndedAt FROM SessionGrainsEndedSessions WHERE ServiceId = $1 AND SiteId = $2 AND SessionId = $3;");
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = siteId });
        command.Parameters.Add(new() { Value = sessionId.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new SessionEnd(siteId, sessionId, (SessionEndReason)reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1))
            : null;
    }

    public async Task<IReadOnlySet<int>> CommitAsync(IReadOnlyList<SiteWrite> sites, EndPruning? pruning, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlans));
        foreach (var write in sites)
        {
            batch.BatchCommands.Add(SiteCommand(write));
        }

        if (pruning?.EndedBefore is { } cutoff)
        {
            batch.BatchCommands.Add(Command("DELETE FROM SessionGrainsEndedSessions WHERE ServiceId = $1 AND EndedAt < $2;", serviceId, cutoff));
        }

        if (pruning?.UsageBefore is { } usageCutoff)
        {
            batch.BatchCommands.Add(Command("DELETE FROM SessionGrainsSiteUsage WHERE ServiceId = $1 AND Day < $2;", serviceId, usageCutoff));
        }

        if (pruning is { Sites.Count: > 0 })
        {
            batch.BatchCommands.Add(Command(PruneSites, serviceId, pruning.Sites.ToArray(), pruning.KeptPerSite));
        }

        // A batch without a transaction of its own runs as one implicit transaction: all of it commits, or none.
        var conflicts = new HashSet<int>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < sites.Count; i++)
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetInt64(0) != 1)
            {
                conflicts.Add(i);
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        // Drain the rest, so any failure of the later statements surfaces here.
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return conflicts;
    }

    private NpgsqlBatchCommand SiteCommand(SiteWrite write)
    {
        var first = write.ExpectedVersion == 0;
        var header = write.Header ?? (first ? new SiteHeader() : null);
        var ids = new Guid[write.Upserts.Count];
        var payloads = new byte[write.Upserts.Count][];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = write.Upserts[i].SessionId.Value;
            payloads[i] = format.Write(write.Upserts[i]);
        }

        var headerParameter = new NpgsqlParameter { Value = header is null ? DBNull.Value : format.Write(header), NpgsqlDbType = NpgsqlDbType.Bytea };
        var payloadsParameter = new NpgsqlParameter { Value = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea };
        var values = new List<object>(16);
        values.AddRange(first
            ? [serviceId, write.SiteId, headerParameter, ids, payloadsParameter]
            : [serviceId, write.SiteId, write.ExpectedVersion, headerParameter, ids, payloadsParameter, write.Removals.Select(id => id.Value).ToArray()]);

        var parts = first ? Parts.FirstWrite : Parts.None;
        if (write.HasTicketChanges)
        {
            parts |= Parts.Tickets;
            values.AddRange(TicketValues(write));
        }

        if (write.UsageUpserts.Count > 0)
        {
            parts |= Parts.Usage;
            values.AddRange(UsageValues(write.UsageUpserts));
        }

        if (write.Ends.Count > 0)
        {
            parts |= Parts.Ends;
            values.AddRange(EndValues(write.Ends));
        }

        return Command(Statements[(int)parts] ??= Statement(parts), [.. values]);
    }

    /// <summary>A site write's statement: its version check, then each part it carries, parameters numbered in that order.</summary>
    private static string Statement(Parts parts)
    {
        var first = parts.HasFlag(Parts.FirstWrite);
        var sql = new System.Text.StringBuilder(first ? InsertSiteChanges : UpdateSiteChanges);
        var next = first ? 6 : 8;
        if (parts.HasFlag(Parts.Tickets))
        {
            sql.Append(TicketChanges(next));
            next += 3;
        }

        if (parts.HasFlag(Parts.Usage))
        {
            sql.Append(UsageChanges(next));
            next += UsageColumns.Figures.Count + 2;
        }

        if (parts.HasFlag(Parts.Ends))
        {
            sql.Append(EndChanges(next));
        }

        return sql.Append(CountSite).ToString();
    }

    private static object[] EndValues(IReadOnlyList<SessionEnd> ends) =>
    [
        ends.Select(end => end.SessionId.Value).ToArray(),
        ends.Select(end => (int)end.Reason).ToArray(),
        ends.Select(end => end.EndedAt).ToArray(),
    ];

    /// <summary>The end records of a write, gated like its sessions by the site's version check; parameters from <paramref name="first"/> on.</summary>
    private static string EndChanges(int first) => $"""
        ,
        ends_recorded AS (
            INSERT INTO SessionGrainsEndedSessions (ServiceId, SiteId, SessionId, Reason, EndedAt)
            SELECT $1, $2, ended.SessionId, ended.Reason, ended.EndedAt
            FROM unnest(${first}::uuid[], ${first + 1}::integer[], ${first + 2}::timestamptz[]) AS ended(SessionId, Reason, EndedAt)
            WHERE EXISTS (SELECT 1 FROM site)
            ON CONFLICT (ServiceId, SiteId, SessionId) DO NOTHING)

        """;

    private object[] TicketValues(SiteWrite write)
    {
        var ticketPayloads = new NpgsqlParameter { Value = write.TicketUpserts.Select(format.Write).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea };
        return [write.TicketUpserts.Select(ticket => ticket.Id.Value).ToArray(), ticketPayloads, write.TicketRemovals.Select(id => id.Value).ToArray()];
    }

    /// <summary>The usage rows as one array per column: the days, each figure, the payloads.</summary>
    private object[] UsageValues(IReadOnlyList<UsageDay> days) =>
    [
        new NpgsqlParameter { Value = days.Select(day => day.Day).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date },
        .. UsageColumns.Figures.Select(column => new NpgsqlParameter { Value = days.Select(column.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer }),
        new NpgsqlParameter { Value = days.Select(format.Write).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
    ];

    /// <summary>The usage rows of a write, upserted whole, gated like its sessions by the site's version check; parameters from <paramref name="first"/> on.</summary>
    private static string UsageChanges(int first)
    {
        var arrays = string.Join(", ", Enumerable.Range(0, UsageColumns.Figures.Count).Select(i => $"${first + 1 + i}::integer[]"));
        return $"""
            ,
            usage_upserted AS (
                INSERT INTO SessionGrainsSiteUsage (ServiceId, SiteId, Day, {UsageColumns.Names()}, Payload)
                SELECT $1, $2, changed.Day, {UsageColumns.Names("changed.")}, changed.Payload
                FROM unnest(${first}::date[], {arrays}, ${first + 1 + UsageColumns.Figures.Count}::bytea[]) AS changed(Day, {UsageColumns.Names()}, Payload)
                WHERE EXISTS (SELECT 1 FROM site)
                ON CONFLICT (ServiceId, SiteId, Day) DO UPDATE SET {UsageColumns.Updates()})

            """;
    }

    /// <summary>The waiting line's rows of a write, gated like its sessions by the site's version check; parameters from <paramref name="first"/> on.</summary>
    private static string TicketChanges(int first) => $"""
        ,
        tickets_upserted AS (
            INSERT INTO SessionGrainsSiteTickets (ServiceId, SiteId, TicketId, Payload)
            SELECT $1, $2, changed.Id, changed.Payload FROM unnest(${first}::uuid[], ${first + 1}::bytea[]) AS changed(Id, Payload)
            WHERE EXISTS (SELECT 1 FROM site)
            ON CONFLICT (ServiceId, SiteId, TicketId) DO UPDATE SET Payload = excluded.Payload),
        tickets_removed AS (
            {DeleteByKey("SessionGrainsSiteTickets", "TicketId", $"${first + 2}")})

        """;

    /// <summary>
    /// Deletes a site's rows of <paramref name="table"/> whose <paramref name="keyColumn"/> is in the uuid array
    /// <paramref name="ids"/>, gated like the rest by the site's version check.
    /// </summary>
    /// <remarks>
    /// Each row is found by its whole primary key, in a subquery the planner may not merge into a join (OFFSET 0), and
    /// deleted by its row address. Written the plain way (<c>Key = ANY(ids)</c>, or a join with <c>unnest</c>), a
    /// prepared statement's cached plan may walk all of the site's rows and filter them instead: PostgreSQL keeps the
    /// plan it made while the table was small, or while the average site was much smaller than this one, and a site
    /// of 25,000 sessions then spent 10 ms in every write.
    /// </remarks>
    private static string DeleteByKey(string table, string keyColumn, string ids) => $"""
        DELETE FROM {table} AS stored
            USING (
                SELECT found.ctid FROM unnest({ids}::uuid[]) AS gone(Id)
                CROSS JOIN LATERAL (
                    SELECT candidate.ctid FROM {table} AS candidate
                    WHERE candidate.ServiceId = $1 AND candidate.SiteId = $2 AND candidate.{keyColumn} = gone.Id
                    OFFSET 0) AS found) AS doomed
            WHERE stored.ctid = doomed.ctid AND EXISTS (SELECT 1 FROM site)
        """;

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
