using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// The usual relational answer to "at most N concurrent sessions": a sessions table, with admission serialized per site
/// by a row lock on the site's row. Each admission locks the site row, drops the site's expired sessions, then inserts
/// the new session only if fewer than the limit are live.
/// </summary>
/// <remarks>
/// <para>
/// Admission is one batch of three statements sent in one round trip. Npgsql sends a batch with a single Sync at its
/// end, so PostgreSQL runs it as one implicit transaction (at READ COMMITTED, checked by <see cref="InitializeAsync"/>):
/// all of it commits or none of it does, and the site row lock is held until the commit that ends the batch. Because
/// the count runs in a statement of its own after the lock is granted, READ COMMITTED gives it a snapshot taken after
/// the previous holder committed, so it sees every session admitted before it. (A single statement that both locks
/// and counts would count from a snapshot taken before waiting for the lock, and over-admit.)
/// </para>
/// <para>
/// Statements are prepared automatically by Npgsql (<c>Max Auto Prepare</c>) unless the connection string says otherwise.
/// </para>
/// </remarks>
public sealed class PostgresSessionTable : ISessionLimiter
{
    private const string SchemaSql = """
        CREATE TABLE IF NOT EXISTS sites (
            site_id text PRIMARY KEY,
            session_limit int NOT NULL,
            idle_timeout interval NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sessions (
            session_id uuid PRIMARY KEY,
            site_id text NOT NULL REFERENCES sites,
            user_id text NOT NULL,
            expires_at timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS sessions_site_expiry ON sessions (site_id, expires_at);
        """;

    private const string LockSiteSql = "SELECT 1 FROM sites WHERE site_id = $1 FOR UPDATE";

    private const string DeleteExpiredSql = "DELETE FROM sessions WHERE site_id = $1 AND expires_at <= now()";

    private const string AdmitSql = """
        INSERT INTO sessions (session_id, site_id, user_id, expires_at)
        SELECT $2, s.site_id, $3, now() + s.idle_timeout
        FROM sites s
        WHERE s.site_id = $1
          AND (SELECT count(*) FROM sessions WHERE site_id = $1 AND expires_at > now()) < s.session_limit
        """;

    private const string TouchSql = "UPDATE sessions SET expires_at = now() + $2 WHERE session_id = $1";

    private const string CloseSql = "DELETE FROM sessions WHERE session_id = $1";

    private const string UpsertSiteSql = """
        INSERT INTO sites (site_id, session_limit, idle_timeout) VALUES ($1, $2, $3)
        ON CONFLICT (site_id) DO UPDATE SET session_limit = excluded.session_limit, idle_timeout = excluded.idle_timeout
        """;

    private const string ClearSiteSql = "DELETE FROM sessions WHERE site_id = $1";

    private const string SeedSessionsSql = """
        INSERT INTO sessions (session_id, site_id, user_id, expires_at)
        SELECT gen_random_uuid(), $1, 'live-user-' || n, now() + $2
        FROM generate_series(1, $3) AS n
        RETURNING session_id
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<string, TimeSpan> _idleTimeouts = new(StringComparer.Ordinal);

    /// <summary>Creates the client; call <see cref="InitializeAsync"/> (or use <see cref="CreateAsync"/>) before use.</summary>
    /// <param name="connectionString">An Npgsql connection string for an existing database.</param>
    public PostgresSessionTable(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 16;
            builder.AutoPrepareMinUsages = 2;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public string Name => "PostgreSQL sessions table";

    /// <summary>Creates the client and its schema.</summary>
    /// <param name="connectionString">An Npgsql connection string for an existing database.</param>
    public static async Task<PostgresSessionTable> CreateAsync(string connectionString)
    {
        var table = new PostgresSessionTable(connectionString);
        try
        {
            await table.InitializeAsync();
            return table;
        }
        catch
        {
            await table.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates the tables and index if missing, and checks that transactions default to READ COMMITTED.</summary>
    public async Task InitializeAsync()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using (var schema = new NpgsqlCommand(SchemaSql, connection))
        {
            await schema.ExecuteNonQueryAsync();
        }

        await using var isolation = new NpgsqlCommand("SELECT current_setting('default_transaction_isolation')", connection);
        var level = (string?)await isolation.ExecuteScalarAsync();
        if (level != "read committed")
        {
            throw new InvalidOperationException(
                $"Admission relies on READ COMMITTED statement snapshots, but the database defaults to '{level}'.");
        }
    }

    public async Task<IReadOnlyList<string>> CreateSiteAsync(string siteId, int limit, TimeSpan idleTimeout, int liveSessions)
    {
        ArgumentException.ThrowIfNullOrEmpty(siteId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(liveSessions);
        ArgumentOutOfRangeException.ThrowIfLessThan(idleTimeout, TimeSpan.FromMilliseconds(1));

        var ids = new List<string>(liveSessions);
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    Command(UpsertSiteSql, Text(siteId), new NpgsqlParameter<int> { TypedValue = limit }, Interval(idleTimeout)),
                    Command(ClearSiteSql, Text(siteId)),
                    Command(SeedSessionsSql, Text(siteId), Interval(idleTimeout), new NpgsqlParameter<int> { TypedValue = liveSessions }),
                },
            };
            await using (var reader = await batch.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ids.Add(reader.GetGuid(0).ToString("N", CultureInfo.InvariantCulture));
                }
            }

            await transaction.CommitAsync();
        }

        // Fresh statistics, so the admission count plans as an index scan from the start.
        await using (var analyze = new NpgsqlCommand("ANALYZE sites, sessions", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        _idleTimeouts[siteId] = idleTimeout;
        return ids;
    }

    public async ValueTask<string?> OpenAsync(string siteId, string userId)
    {
        var sessionId = Guid.NewGuid();
        await using var connection = await _dataSource.OpenConnectionAsync();
        // No explicit transaction: the batch is one implicit transaction, committed by its closing Sync (see remarks).
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command(LockSiteSql, Text(siteId)),
                Command(DeleteExpiredSql, Text(siteId)),
                Command(AdmitSql, Text(siteId), new NpgsqlParameter<Guid> { TypedValue = sessionId }, Text(userId)),
            },
        };
        bool siteExists;
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            siteExists = await reader.ReadAsync();
            // Disposing the reader consumes the rest of the batch, which sets the admission's RecordsAffected.
        }

        if (!siteExists)
        {
            throw new InvalidOperationException($"Site '{siteId}' does not exist; create it with {nameof(CreateSiteAsync)} first.");
        }

        return batch.BatchCommands[2].RecordsAffected == 1 ? sessionId.ToString("N", CultureInfo.InvariantCulture) : null;
    }

    public async ValueTask TouchAsync(string siteId, string sessionId)
    {
        if (!_idleTimeouts.TryGetValue(siteId, out var idleTimeout))
        {
            throw new InvalidOperationException($"Site '{siteId}' is unknown to this client; create it with {nameof(CreateSiteAsync)} first.");
        }

        await using var command = _dataSource.CreateCommand(TouchSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(sessionId) });
        command.Parameters.Add(Interval(idleTimeout));
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask EndAsync(string siteId, string sessionId)
    {
        await using var command = _dataSource.CreateCommand(CloseSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(sessionId) });
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter<TimeSpan> Interval(TimeSpan value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Interval };
}
