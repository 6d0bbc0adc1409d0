using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Sites;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A site holding leases keeps a reminder, so that after its silo dies another silo wakes it to end runaway leases
/// even if nobody calls it. On PostgreSQL the reminder lives in the database, through our reminder schema.
/// </summary>
public abstract class BackstopTests(StorageKind kind) : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(kind);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_site_keeps_its_reminder_while_it_holds_sessions_and_drops_it_when_empty()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        Assert.False(await HasBackstopAsync(site));

        var ann = await site.AdmitAsync(Sites.User("ann"));
        await WaitForBackstopAsync(site);

        // Still holding a session: a tick keeps the reminder.
        await TickAsync(site);
        Assert.True(await HasBackstopAsync(site));

        Assert.True(await _silo.Grains.GetSiteGrain(siteId).SignOutAsync(ann.SessionId));
        await TickAsync(site);
        Assert.False(await HasBackstopAsync(site));

        await site.AdmitAsync(Sites.User("bob"));
        await WaitForBackstopAsync(site);
    }

    [Fact]
    public async Task After_a_crash_the_reminder_ends_runaway_leases_without_any_other_call()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { IdleTimeout = TimeSpan.FromMinutes(10) });
        await site.AdmitAsync(Sites.User("ann"));
        await WaitForBackstopAsync(site);

        // The session grain dies with the silo: only the site's lease (deadline + headroom) can end the session.
        await _silo.CrashAndRestartAsync();
        site = _silo.Grains.GetSiteGrain(siteId);
        _silo.Clock.Advance(TimeSpan.FromMinutes(15));
        var versionBefore = await StorageProbe.SiteVersionAsync(_silo.Storage, siteId);

        await TickAsync(site);

        // The tick alone saved the ending (one more write) and, the site now being empty, dropped the reminder.
        Assert.Equal(versionBefore + 1, await StorageProbe.SiteVersionAsync(_silo.Storage, siteId));
        Assert.False(await HasBackstopAsync(site));
        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
    }

    /// <summary>The site registers its reminder beside its requests, not inside one.</summary>
    private Task<bool> WaitForBackstopAsync(ISiteGrain site) => Eventually.WaitForAsync(() => HasBackstopAsync(site), registered => registered);

    private async Task<bool> HasBackstopAsync(ISiteGrain site)
    {
        var reminders = _silo.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
        var rows = await reminders.ReadRows(site.GetGrainId());
        return rows.Reminders.Any(r => r.ReminderName == BackstopReminder.Name);
    }

    /// <summary>What the reminder service does when the reminder is due.</summary>
    private static Task TickAsync(ISiteGrain site) =>
        site.AsReference<IRemindable>().ReceiveReminder(
            BackstopReminder.Name,
            new TickStatus(DateTime.UtcNow, BackstopReminder.Period, DateTime.UtcNow));
}

public sealed class BackstopTestsOnSqlite() : BackstopTests(StorageKind.Sqlite);

public sealed class BackstopTestsOnPostgreSql() : BackstopTests(StorageKind.PostgreSql);
