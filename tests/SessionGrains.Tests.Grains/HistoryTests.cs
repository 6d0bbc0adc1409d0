using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>The site keeps its activity history (counted sessions and refusals per minute), and it survives a restart.</summary>
public abstract class HistoryTests(StorageKind kind) : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(kind);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Admissions_endings_and_refusals_show_in_the_minute_they_happened()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 2 });
        var ann = await site.AdmitAsync(Sites.User("ann"));
        await site.AdmitAsync(Sites.User("bob"));
        await site.RefuseAsync(Sites.User("cat"));
        await site.RefuseAsync(Sites.User("dan"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(2));
        await _silo.Grains.GetSiteGrain(siteId).SignOutAsync(ann.SessionId);
        await Eventually.WaitForAsync(() => site.GetSummaryAsync(), s => s.Active == 1);
        _silo.Clock.Advance(TimeSpan.FromMinutes(1));

        var activity = await site.GetHistoryAsync();
        Assert.Equal([2, 2, 2, 1], activity.Active.TakeLast(4));
        Assert.Equal([2, 0, 0, 0], activity.Refusals.TakeLast(4));
        var summary = await site.GetSummaryAsync();
        Assert.Equal(2, summary.RefusalsLastHour);
        Assert.Equal(2, summary.PeakToday);
        var status = await site.GetStatusAsync();
        Assert.Equal((2, 2), (status.Summary.RefusalsLastHour, status.Summary.PeakToday));

        _silo.Clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(0, (await site.GetSummaryAsync()).RefusalsLastHour);
    }

    [Fact]
    public async Task The_history_survives_a_restart()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 1 });
        await site.AdmitAsync(Sites.User("ann"));
        await site.RefuseAsync(Sites.User("bob"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(1));
        var before = await site.GetHistoryAsync();

        await _silo.RestartAsync();

        var after = await _silo.Grains.GetSiteGrain(siteId).GetHistoryAsync();
        Assert.Equal(before.From, after.From);
        Assert.Equal(before.Active, after.Active);
        Assert.Equal(before.Refusals, after.Refusals);
        Assert.Equal(1, after.Refusals[^2]);
        Assert.Equal(1, (await _silo.Grains.GetSiteGrain(siteId).GetSummaryAsync()).RefusalsLastHour);
    }
}

public sealed class ActivityTestsOnSqlite() : HistoryTests(StorageKind.Sqlite);

public sealed class ActivityTestsOnPostgreSql() : HistoryTests(StorageKind.PostgreSql);
