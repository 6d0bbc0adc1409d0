using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;
using SessionGrains.Persistence;
using SessionGrains.Persistence.State;

namespace SessionGrains.Tests.Grains.Storage;

/// <summary>
/// A site's write on PostgreSQL reads the rows it changes, not the site nor the table: on a big site, a sign-out does
/// not walk every stored session, among many sites a write reads its own, and pruning a site's ends reads that site's,
/// even with the plans PostgreSQL made while the tables were nearly empty and before statistics caught up.
/// </summary>
public sealed class PostgreSqlWriteCostTests : IAsyncLifetime, IDisposable
{
    private const int SiteSize = 3_000;

    /// <summary>Ends kept per site: a site is pruned once it ended a tenth as many again.</summary>
    private const int EndsKept = 100;

    private StorageTarget _storage = null!;
    private NpgsqlDataSource _database = null!;
    private StateStore _store = null!;

    public async Task InitializeAsync()
    {
        _storage = await TestStorage.CreateAsync(StorageKind.PostgreSql);
        await new SchemaInstaller(_storage, NullLogger<SchemaInstaller>.Instance).InstallAsync(CancellationToken.None);
        var format = TestRecordFormat.Create();

        // One connection, so every write runs with the plans that one server process cached from its first writes on.
        _database = PostgreSqlStateDatabase.CreateDataSource(new NpgsqlConnectionStringBuilder(_storage.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        _store = new StateStore(new PostgreSqlStateDatabase(_database, "tests", format), TimeProvider.System, NullLogger<StateStore>.Instance, EndsKept);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // The store disposes the data source; the database goes with the test server.
    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task A_sign_out_on_a_big_site_reads_the_sessions_it_removes_not_the_site()
    {
        // Writes while the table is nearly empty: more than the five after which PostgreSQL may settle on one cached plan.
        var version = 0L;
        var first = Session();
        await _store.WriteAsync(new SiteWrite("big", version++, new SiteHeader(), [first], []));
        for (var i = 0; i < 8; i++)
        {
            var passing = Session();
            await _store.WriteAsync(new SiteWrite("big", version++, null, [passing], []));
            await _store.WriteAsync(new SiteWrite("big", version++, null, [], [passing.SessionId]));
        }

        await _store.WriteAsync(new SiteWrite("big", version++, null, [.. Enumerable.Range(0, SiteSize).Select(_ => Session())], []));
        var before = await RowsReadAsync();

        await _store.WriteAsync(new SiteWrite("big", version, null, [], [first.SessionId]));

        var read = await RowsReadAsync() - before;
        Assert.InRange(read, 1, 10);
        var stored = await _store.ReadAsync("big");
        Assert.Equal(SiteSize, stored!.Sessions.Count);
        Assert.DoesNotContain(stored.Sessions, s => s.SessionId == first.SessionId);
    }

    [Fact]
    public async Task A_write_on_one_of_many_sites_reads_that_site_alone()
    {
        // The plans are made while there is one site: a scan of the sites table is then the cheapest way to find it.
        await _store.WriteAsync(new SiteWrite("first", 0, new SiteHeader(), [Session()], []));
        for (var version = 1; version <= 8; version++)
        {
            await _store.WriteAsync(new SiteWrite("first", version, null, [Session()], []));
        }

        for (var i = 0; i < 300; i++)
        {
            await _store.WriteAsync(new SiteWrite($"other-{i}", 0, new SiteHeader(), [Session()], []));
        }

        var before = await RowsReadAsync("sessiongrainssites");

        await _store.WriteAsync(new SiteWrite("first", 9, null, [Session()], []));

        Assert.InRange(await RowsReadAsync("sessiongrainssites") - before, 1, 3);
        Assert.Equal(10, (await _store.ReadAsync("first"))!.Version);
    }

    [Fact]
    public async Task Pruning_a_sites_ends_reads_that_sites_ends_not_the_table()
    {
        // The store keeps 100 ends per site and prunes a site once it ended 10 more: this site's ends reach 120 and are
        // pruned to 100, so the plans are made while the table holds about a hundred ends.
        var version = 0L;
        await _store.WriteAsync(new SiteWrite("churning", version++, new SiteHeader(), [], []));
        for (var i = 0; i < 12; i++)
        {
            await _store.WriteAsync(new SiteWrite("churning", version++, null, [], []) { Ends = Ends("churning", 10) });
        }

        // Then 30 other sites end 200 sessions each, and are pruned down to 100 each.
        for (var i = 0; i < 30; i++)
        {
            await _store.WriteAsync(new SiteWrite($"other-{i}", 0, new SiteHeader(), [], []) { Ends = Ends($"other-{i}", 200) });
            await _store.WriteAsync(new SiteWrite($"other-{i}", 1, null, [], []) { Ends = Ends($"other-{i}", 10) });
        }

        var before = await RowsReadAsync("sessiongrainsendedsessions");

        await _store.WriteAsync(new SiteWrite("churning", version, null, [], []) { Ends = Ends("churning", 10) });

        // The walk to the 101st newest end and the 10 or so older than it; the table holds over 3,000.
        Assert.InRange(await RowsReadAsync("sessiongrainsendedsessions") - before, 1, 300);
        await using var count = _database.CreateCommand("SELECT count(*) FROM SessionGrainsEndedSessions WHERE SiteId = 'churning';");
        Assert.Equal(EndsKept, (long)(await count.ExecuteScalarAsync())!);
    }

    private static SessionEnd[] Ends(string siteId, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new SessionEnd(siteId, SessionId.New(), SessionEndReason.Logout, DateTimeOffset.UtcNow))];

    /// <summary>Rows of <paramref name="table"/> read so far, by any scan, as the server counts them.</summary>
    private async Task<long> RowsReadAsync(string table = "sessiongrainssitesessions")
    {
        // The server publishes a process's counts when it goes idle, at most once a second unless told otherwise: told
        // here, the next query on this (only) connection sees everything before it.
        await using (var flush = _database.CreateCommand("SELECT pg_stat_force_next_flush();"))
        {
            await flush.ExecuteNonQueryAsync();
        }

        await using var command = _database.CreateCommand(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relname = $1;");
        command.Parameters.Add(new() { Value = table });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static LiveSession Session() => new()
    {
        SessionId = SessionId.New(),
        UserId = "user",
        Roles = [],
        StartedAt = DateTimeOffset.UtcNow,
        Exempt = false,
        LastActivityAt = DateTimeOffset.UtcNow,
        ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(30),
    };
}
