using Npgsql;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains.Storage;

/// <summary>When the database refuses a write, the request fails and nothing it would have changed is acknowledged or kept.</summary>
public sealed class StorageFaultTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(StorageKind.PostgreSql);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task An_admission_that_cannot_be_written_fails_and_leaves_no_seat_behind()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 2 });
        var kept = await site.AdmitAsync(Sites.User("ann"));

        await TakeTablesAwayAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => site.OpenSessionAsync(Sites.User("bob")));
        await BringTablesBackAsync();

        var status = await site.GetStatusAsync();
        Assert.Equal(kept.SessionId, Assert.Single(status.Sessions).SessionId);
        var next = await site.AdmitAsync(Sites.User("cat"));
        Assert.Equal(2, next.Active);
        Assert.Equal(RefusalReason.SiteFull, (await site.RefuseAsync(Sites.User("dan"))).Reason);
    }

    [Fact]
    public async Task While_the_database_refuses_writes_new_sessions_are_refused_with_a_typed_error_and_admitted_ones_keep_working()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 5, IdleTimeout = TimeSpan.FromMinutes(10) });
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var session = _silo.Grains.GetSessionGrain(siteId, ann.SessionId);
        Assert.IsType<SessionActive>(await session.TouchAsync());
        var cat = await site.AdmitAsync(Sites.User("cat"));
        var untouched = _silo.Grains.GetSessionGrain(siteId, cat.SessionId);

        await TakeTablesAwayAsync();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => site.OpenSessionAsync(Sites.User("bob")));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => site.OpenSessionAsync(Sites.User("bob")));

        // A site that must first read its state cannot: Orleans reports the failed activation, carrying our typed
        // error, which ClusterFaults recognises (as the HTTP API and the library do).
        var activation = await Assert.ThrowsAnyAsync<Exception>(() => _silo.Grains.GetSiteGrain(Sites.NewId()).OpenSessionAsync(Sites.User("bob")));
        Assert.True(ClusterFaults.IsStorageFailure(activation), activation.ToString());
        Assert.IsType<StorageUnavailableException>(activation.InnerException);

        // Ann works on, even past the point where her lease wants renewing (the renewal fails, her touch does not).
        _silo.Clock.Advance(TimeSpan.FromMinutes(6));
        var touched = Assert.IsType<SessionActive>(await session.TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + TimeSpan.FromMinutes(10), touched.IdleExpiresAt);

        // Cat's first touch starts her grain, which asks the site: the site answers from memory, as it wrote nothing since.
        touched = Assert.IsType<SessionActive>(await untouched.TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + TimeSpan.FromMinutes(10), touched.IdleExpiresAt);

        await BringTablesBackAsync();
        await ReloadedAsync(site);
        var bob = await site.AdmitAsync(Sites.User("bob"));
        Assert.Equal(3, bob.Active);
        Assert.IsType<SessionActive>(await session.TouchAsync());
        Assert.IsType<SessionActive>(await untouched.TouchAsync());
    }

    private static readonly string[] StateTables = ["OrleansStorage", "SessionGrainsSites", "SessionGrainsSiteSessions", "SessionGrainsEndedSessions", "SessionGrainsSiteUsage"];

    /// <summary>
    /// Waits until the site answers from storage again. A reload that its recovery timer started while the tables were
    /// away may still be failing when they come back, and a call arriving meanwhile shares that attempt.
    /// </summary>
    private static Task<bool> ReloadedAsync(ISiteGrain site) =>
        Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    await site.GetSummaryAsync();
                    return true;
                }
                catch (StorageUnavailableException)
                {
                    return false;
                }
            },
            answered => answered);

    private Task TakeTablesAwayAsync() =>
        ExecuteAsync(string.Concat(StateTables.Select(table => $"ALTER TABLE {table} RENAME TO {table}Away;")));

    private Task BringTablesBackAsync() =>
        ExecuteAsync(string.Concat(StateTables.Select(table => $"ALTER TABLE {table}Away RENAME TO {table};")));

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_silo.Storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
