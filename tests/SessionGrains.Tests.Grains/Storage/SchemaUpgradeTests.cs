using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SessionGrains.Grains.Sites;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains.Storage;

/// <summary>
/// The schema installer (DbUp) on a real database: a database set up by the hand-written installer of earlier versions
/// upgrades without loss, missing scripts are applied once, installers starting together record each script once, and
/// the log names each applied script and never the connection string.
/// </summary>
public abstract class SchemaUpgradeTests(StorageKind kind) : IAsyncLifetime
{
    // The earlier installer's time format (DateTimeOffset.UtcNow.ToString("O")); a row still holding it was not rewritten.
    private const string EarlierAppliedOn = "2025-11-03T09:15:42.1234567+00:00";

    // Every script rewrites its queries (INSERT ... ON CONFLICT DO UPDATE): a script run again would remove this mark.
    private const string NotRunAgainMark = "-- marked by the upgrade test\n";

    private readonly List<StorageTarget> _databases = [];

    protected StorageKind Kind => kind;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _databases.ForEach(TestStorage.Delete);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_database_set_up_by_the_earlier_installer_upgrades_with_its_sites_and_sessions_intact()
    {
        await using var silo = await TestSilo.StartAsync(kind);
        var siteId = Sites.NewId();
        var site = silo.Grains.GetSiteGrain(siteId);
        var settings = await site.UpdateSettingsAsync(new()
        {
            Limit = 3,
            IdleTimeout = TimeSpan.FromMinutes(30),
            OnFull = FullSitePolicy.Deny,
            Message = "Full: {active}/{limit}",
        });
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = await site.AdmitAsync(Sites.User("bob"));

        // While the silo is down, the database becomes what the earlier installer left: its journal, in its own words.
        await silo.RestartAsync(async () =>
        {
            await WriteEarlierJournalAsync(silo.Storage, SchemaScripts.Names(silo.Storage.Dialect));
            await MarkQueriesAsync(silo.Storage);
        });
        site = silo.Grains.GetSiteGrain(siteId);

        var restored = await site.GetSettingsAsync();
        Assert.Equal(settings.Limit, restored.Limit);
        Assert.Equal(settings.IdleTimeout, restored.IdleTimeout);
        Assert.Equal(settings.Message, restored.Message);
        var status = await site.GetStatusAsync();
        Assert.Equal([ann.SessionId, bob.SessionId], status.Sessions.Select(s => s.SessionId).ToHashSet());
        Assert.Equal(3, (await site.AdmitAsync(Sites.User("cat"))).Active);
        Assert.Equal("Full: 3/3", (await site.RefuseAsync(Sites.User("dan"))).Message);

        // Every script once, each row as the earlier installer wrote it, none of them run again, and no second journal
        // (DbUp's own table) beside it.
        Assert.Equal(SchemaScripts.Names(silo.Storage.Dialect).Select(name => (name, EarlierAppliedOn)), await ReadJournalAsync(silo.Storage));
        Assert.StartsWith(NotRunAgainMark, await QueryTextAsync(silo.Storage, "DeleteStorageKey"), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(silo.Storage, kind == StorageKind.PostgreSql
            ? "SELECT COUNT(*) FROM pg_class WHERE relname = 'schemaversions';"
            : "SELECT COUNT(*) FROM sqlite_master WHERE name = 'SchemaVersions' COLLATE NOCASE;"));
    }

    [Fact]
    public async Task A_script_the_earlier_journal_lacks_is_applied_and_recorded_once()
    {
        // A database of a version before the last script: a DBA applied the others by hand, the earlier installer recorded them.
        var storage = await CreateDatabaseAsync();
        var names = SchemaScripts.Names(storage.Dialect);
        var earlier = names.SkipLast(1).ToList();
        await ApplyByHandAsync(storage, earlier);
        await WriteEarlierJournalAsync(storage, earlier);
        await MarkQueriesAsync(storage);

        await Installer(storage).InstallAsync(CancellationToken.None);

        var journal = await ReadJournalAsync(storage);
        Assert.Equal(names, journal.Select(row => row.Script));
        Assert.All(journal.SkipLast(1), row => Assert.Equal(EarlierAppliedOn, row.AppliedOn));
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(journal[^1].AppliedOn, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(5));
        Assert.StartsWith(NotRunAgainMark, await QueryTextAsync(storage, "DeleteStorageKey"), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(storage, "SELECT COUNT(*) FROM SessionGrainsEndedSessions;"));
    }

    [Fact]
    public async Task Installers_starting_together_on_a_new_database_all_succeed_and_record_each_script_once()
    {
        // On PostgreSQL they take turns (the test below holds the turn to see it); on SQLite each script's write
        // transaction waits for the other's, and a script both applied is recorded once. Either way none may fail.
        var storage = await CreateDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Installer(storage).InstallAsync(CancellationToken.None))));

        Assert.Equal(SchemaScripts.Names(storage.Dialect), (await ReadJournalAsync(storage)).Select(row => row.Script));
        Assert.Equal(0, await CountAsync(storage, "SELECT COUNT(*) FROM SessionGrainsSites;"));
    }

    [Fact]
    public async Task The_log_names_each_applied_script_and_never_the_connection_string()
    {
        const string password = "schema-password-that-must-never-be-logged";
        var storage = await CreateDatabaseAsync();
        if (kind == StorageKind.PostgreSql)
        {
            // The test server trusts local connections, so the password is sent nowhere; it is only there to be looked for.
            storage = storage with { ConnectionString = new NpgsqlConnectionStringBuilder(storage.ConnectionString) { Password = password }.ConnectionString };
        }

        var log = new CollectingLogger<SchemaInstaller>();
        await new SchemaInstaller(storage, log).InstallAsync(CancellationToken.None);
        await new SchemaInstaller(storage, log).InstallAsync(CancellationToken.None);

        var lines = log.Lines.ToList();
        Assert.All(SchemaScripts.Names(storage.Dialect), name =>
            Assert.Single(lines, line => line == $"Information: Applied schema script {name} to {storage.Describe()}"));
        Assert.Contains($"Information: The schema of {storage.Describe()} is up to date", lines);
        Assert.DoesNotContain(lines, line => line.Contains(password, StringComparison.Ordinal) || line.Contains(storage.ConnectionString, StringComparison.Ordinal));
    }

    protected async Task<StorageTarget> CreateDatabaseAsync()
    {
        var storage = await TestStorage.CreateAsync(kind);
        _databases.Add(storage);
        return storage;
    }

    protected static SchemaInstaller Installer(StorageTarget storage) => new(storage, NullLogger<SchemaInstaller>.Instance);

    protected static async Task<List<(string Script, string AppliedOn)>> ReadJournalAsync(StorageTarget storage)
    {
        await using var connection = await OpenAsync(storage);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Script, AppliedOn FROM SessionGrainsSchema ORDER BY Script;";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    protected static async Task<long> CountAsync(StorageTarget storage, string sql)
    {
        await using var connection = await OpenAsync(storage);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The journal the hand-written installer of earlier versions kept, rebuilt as it built it (its own statement) with
    /// a row per script in its own format: what a database it set up holds.
    /// </summary>
    private static async Task WriteEarlierJournalAsync(StorageTarget storage, IEnumerable<string> scripts)
    {
        await using var connection = await OpenAsync(storage);
        await ExecuteAsync(connection, "DROP TABLE IF EXISTS SessionGrainsSchema;");
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS SessionGrainsSchema (Script varchar(200) NOT NULL PRIMARY KEY, AppliedOn varchar(40) NOT NULL);");
        foreach (var script in scripts)
        {
            await using var record = connection.CreateCommand();
            record.CommandText = "INSERT INTO SessionGrainsSchema (Script, AppliedOn) VALUES (@script, @appliedOn);";
            record.AddParameter("script", script);
            record.AddParameter("appliedOn", EarlierAppliedOn);
            await record.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Applies scripts the way the deployment docs tell a DBA to, one file at a time, without the journal.</summary>
    private static async Task ApplyByHandAsync(StorageTarget storage, IEnumerable<string> scripts)
    {
        await using var connection = await OpenAsync(storage);
        foreach (var script in scripts)
        {
            await ExecuteAsync(connection, SchemaScripts.Read(storage.Dialect, script));
        }
    }

    // DeleteStorageKey is written by the grain storage script of both dialects and unused here (no DeleteStateOnClear);
    // the mark is a comment, so the query still works if it were.
    private static async Task MarkQueriesAsync(StorageTarget storage)
    {
        await using var connection = await OpenAsync(storage);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE OrleansQuery SET QueryText = @mark || QueryText WHERE QueryKey = 'DeleteStorageKey';";
        command.AddParameter("mark", NotRunAgainMark);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<string> QueryTextAsync(StorageTarget storage, string key)
    {
        await using var connection = await OpenAsync(storage);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key;";
        command.AddParameter("key", key);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<DbConnection> OpenAsync(StorageTarget storage)
    {
        var connection = storage.CreateConnection();
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every line logged, as "Level: message", with the exception's text if any.</summary>
    private sealed class CollectingLogger<T> : ILogger<T>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(exception is null ? $"{logLevel}: {formatter(state, exception)}" : $"{logLevel}: {formatter(state, exception)} {exception}");
    }
}

public sealed class SchemaUpgradeTestsOnSqlite() : SchemaUpgradeTests(StorageKind.Sqlite);

public sealed class SchemaUpgradeTestsOnPostgreSql() : SchemaUpgradeTests(StorageKind.PostgreSql)
{
    /// <summary>
    /// Another silo of this version holds the lock for its whole run; one of the version before DbUp held it per
    /// script, in the script's transaction. Either way this installer waits, so old and new silos take turns too.
    /// </summary>
    [Theory]
    [InlineData("SELECT pg_advisory_lock({0});", "SELECT pg_advisory_unlock({0});")]
    [InlineData("BEGIN; SELECT pg_advisory_xact_lock({0});", "COMMIT;")]
    public async Task An_installer_waits_while_another_holds_the_schema_lock_then_takes_its_turn(string hold, string release)
    {
        var storage = await CreateDatabaseAsync();
        await using var other = new NpgsqlConnection(storage.ConnectionString);
        await other.OpenAsync();
        await ExecuteAsync(other, string.Format(System.Globalization.CultureInfo.InvariantCulture, hold, PostgreSqlSchemaTurn.LockKey));

        var installing = Installer(storage).InstallAsync(CancellationToken.None);
        await Eventually.WaitForAsync(() => WaitingForTheSchemaLockAsync(storage), waiting => waiting == 1);

        // Nothing is read or written while another silo has the turn, not even the journal table.
        Assert.False(installing.IsCompleted);
        Assert.Equal(0, await CountAsync(storage, "SELECT COUNT(*) FROM pg_class WHERE relname = 'sessiongrainsschema';"));

        await ExecuteAsync(other, string.Format(System.Globalization.CultureInfo.InvariantCulture, release, PostgreSqlSchemaTurn.LockKey));
        await installing;
        Assert.Equal(SchemaScripts.Names(storage.Dialect), (await ReadJournalAsync(storage)).Select(row => row.Script));
    }

    private static Task<long> WaitingForTheSchemaLockAsync(StorageTarget storage) => CountAsync(
        storage,
        "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND datname = current_database();");

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
