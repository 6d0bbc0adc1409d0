using SessionGrains.Grains.Sites;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// The site's usage per UTC day, month and range: what it counts, across day and month boundaries on the fake clock, through
/// restarts, with a limit changed mid-day, and how long its rows are kept.
/// </summary>
public abstract class UsageTests(StorageKind kind) : IAsyncLifetime
{
    private static readonly DateOnly FirstDay = DateOnly.FromDateTime(TestSilo.Epoch.UtcDateTime);

    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(kind);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private DateOnly Today => DateOnly.FromDateTime(_silo.Clock.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task A_day_counts_its_peak_starts_users_refusals_and_minutes_at_the_limit()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 2, PerUserLimit = 1 });
        var ann = await site.AdmitAsync(Sites.User("ann"));
        await site.AdmitAsync(Sites.User("bob"));
        Assert.Equal(RefusalReason.SiteFull, (await site.RefuseAsync(Sites.User("cat"))).Reason);
        Assert.Equal(RefusalReason.SiteFull, (await site.RefuseAsync(Sites.User("cat"))).Reason);
        _silo.Clock.Advance(TimeSpan.FromMinutes(30));
        await _silo.Grains.GetSiteGrain(siteId).SignOutAsync(ann.SessionId);
        await Eventually.WaitForAsync(() => site.GetSummaryAsync(), s => s.Active == 1);
        Assert.Equal(RefusalReason.UserLimit, (await site.RefuseAsync(Sites.User("bob"))).Reason);
        await site.AdmitAsync(Sites.User("ann"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(5));

        var day = Assert.Single(await site.GetUsageAsync(FirstDay, FirstDay, UsageGranularity.Day));
        Assert.Equal(FirstDay, day.Start);
        Assert.Equal(2, day.PeakCounted);
        Assert.Equal(3, day.SessionsStarted);
        Assert.Equal(2, day.DistinctUsers);
        Assert.True(day.DistinctUsersEstimated);
        Assert.Equal((2, 1, 3), (day.RefusedSiteFull, day.RefusedUserLimit, day.Refused));

        // Full from 08:00 through 08:30 (31 minutes), then again from 08:30, when Ann came back, to now (08:35).
        Assert.Equal(36, day.MinutesAtLimit);

        // Nothing happened under the server's defaults before the site was configured: its first limit is its only one.
        Assert.Equal((2, 2, 2, 0), (day.Limit, day.LimitLowest, day.LimitHighest, day.LimitChanges));
    }

    [Fact]
    public async Task A_full_site_across_midnight_and_a_month_end_fills_both_days_and_both_months()
    {
        // Site activity begins on 31 January at 23:50.
        _silo.Clock.Advance(new DateTimeOffset(2026, 1, 31, 23, 50, 0, TimeSpan.Zero) - _silo.Clock.GetUtcNow());
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 1 });
        await site.AdmitAsync(Sites.User("ann"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(5));
        await site.RefuseAsync(Sites.User("bob"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(15));
        await site.RefuseAsync(Sites.User("bob"));
        await site.RefuseAsync(Sites.User("cat"));

        var days = await site.GetUsageAsync(new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 1), UsageGranularity.Day);
        Assert.Equal([new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 1)], days.Select(d => d.Start));
        Assert.Equal([10, 11], days.Select(d => d.MinutesAtLimit));
        Assert.Equal([1, 1], days.Select(d => d.PeakCounted));
        Assert.Equal([1, 0], days.Select(d => d.SessionsStarted));
        Assert.Equal([1, 2], days.Select(d => d.RefusedSiteFull));

        var months = await site.GetUsageAsync(new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 28), UsageGranularity.Month);
        Assert.Equal([new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1)], months.Select(m => m.Start));
        Assert.Equal([10, 11], months.Select(m => m.MinutesAtLimit));
        Assert.Equal([1, 1], months.Select(m => m.Days));

        // The whole range as one period, from its first day, as the operator's usage page shows it; a quiet range has none.
        var total = Assert.Single(await site.GetUsageAsync(new DateOnly(2026, 1, 20), new DateOnly(2026, 2, 10), UsageGranularity.Total));
        Assert.Equal((new DateOnly(2026, 1, 20), 2, 21, 3, 1), (total.Start, total.Days, total.MinutesAtLimit, total.RefusedSiteFull, total.DistinctUsers));
        Assert.Empty(await site.GetUsageAsync(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), UsageGranularity.Total));
    }

    [Fact]
    public async Task A_month_is_derived_from_its_days()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 3 });
        await site.AdmitAsync(Sites.User("ann"));
        await site.AdmitAsync(Sites.User("bob"));
        _silo.Clock.Advance(TimeSpan.FromDays(1));
        await site.AdmitAsync(Sites.User("bob"));
        await site.AdmitAsync(Sites.User("cat"));

        var days = await site.GetUsageAsync(FirstDay, FirstDay.AddDays(1), UsageGranularity.Day);
        var month = Assert.Single(await site.GetUsageAsync(FirstDay, FirstDay.AddDays(30), UsageGranularity.Month));
        Assert.Equal(2, days.Count);
        Assert.Equal(days.Max(d => d.PeakCounted), month.PeakCounted);
        Assert.Equal(days.Sum(d => d.SessionsStarted), month.SessionsStarted);
        Assert.Equal(days.Sum(d => d.MinutesAtLimit), month.MinutesAtLimit);

        // Ann and Bob on the first day, Bob and Cat on the second: three users in the month, not four.
        Assert.Equal([2, 2], days.Select(d => d.DistinctUsers));
        Assert.Equal(3, month.DistinctUsers);
        Assert.Equal(2, month.Days);
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_day_resumes_from_the_stored_row()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 1 });
        await site.AdmitAsync(Sites.User("ann"));
        await site.RefuseAsync(Sites.User("bob"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(10));

        await _silo.RestartAsync();
        site = _silo.Grains.GetSiteGrain(siteId);
        await site.RefuseAsync(Sites.User("cat"));

        var day = Assert.Single(await site.GetUsageAsync(FirstDay, FirstDay, UsageGranularity.Day));
        Assert.Equal((1, 1, 2), (day.SessionsStarted, day.PeakCounted, day.RefusedSiteFull));
        Assert.Equal(1, day.DistinctUsers);

        // Full from 08:00 to 08:10, counted once though the restart fell in that minute.
        Assert.Equal(11, day.MinutesAtLimit);
    }

    [Fact]
    public async Task Rows_written_with_a_site_write_survive_a_crash()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 1 });
        var ann = await site.AdmitAsync(Sites.User("ann"));
        await site.RefuseAsync(Sites.User("bob"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(2));

        // A minute after the last, the usage rows go with the site's next write: this kick's.
        await site.KickAsync(ann.SessionId);
        await _silo.CrashAndRestartAsync();

        var day = Assert.Single(await _silo.Grains.GetSiteGrain(siteId).GetUsageAsync(FirstDay, FirstDay, UsageGranularity.Day));
        Assert.Equal((1, 1, 1), (day.SessionsStarted, day.PeakCounted, day.RefusedSiteFull));
    }

    [Fact]
    public async Task A_limit_changed_mid_day_shows_its_changes_and_ends_the_minutes_at_the_limit()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 2 });
        _silo.Clock.Advance(TimeSpan.FromDays(1));
        var today = Today;
        await site.AdmitAsync(Sites.User("ann"));
        await site.AdmitAsync(Sites.User("bob"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(10));
        var raisedAt = _silo.Clock.GetUtcNow();
        await site.UpdateSettingsAsync(new() { Limit = 3 });
        _silo.Clock.Advance(TimeSpan.FromMinutes(10));

        var day = Assert.Single(await site.GetUsageAsync(today, today, UsageGranularity.Day));
        Assert.Equal((3, 2, 3, 1), (day.Limit, day.LimitLowest, day.LimitHighest, day.LimitChanges));
        Assert.Equal([new LimitChange { At = raisedAt, Limit = 3 }], day.ChangedLimits);
        Assert.Equal(11, day.MinutesAtLimit);

        // A restart reads the listed change back from the stored row.
        await _silo.RestartAsync();
        Assert.Equal([3], Assert.Single(await _silo.Grains.GetSiteGrain(siteId).GetUsageAsync(today, today, UsageGranularity.Day)).ChangedLimits.Select(change => change.Limit));
    }

    [Fact]
    public async Task A_day_lists_its_first_changes_of_the_limit_and_counts_them_all()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 1 });
        _silo.Clock.Advance(TimeSpan.FromDays(1));
        for (var limit = 2; limit < 2 + UsageDay.MostChangesListed + 6; limit++)
        {
            await site.UpdateSettingsAsync(new() { Limit = limit });
        }

        var day = Assert.Single(await site.GetUsageAsync(Today, Today, UsageGranularity.Day));
        Assert.Equal(UsageDay.MostChangesListed + 6, day.LimitChanges);
        Assert.Equal(Enumerable.Range(2, UsageDay.MostChangesListed), day.ChangedLimits.Select(change => change.Limit));
        var month = Assert.Single(await site.GetUsageAsync(FirstDay, Today, UsageGranularity.Total));
        Assert.Equal(day.ChangedLimits, month.ChangedLimits);
    }

    [Fact]
    public async Task A_site_used_under_the_defaults_before_its_first_settings_counts_them_as_a_change()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.AdmitAsync(Sites.User("ann"));
        await site.UpdateSettingsAsync(new() { Limit = 2 });

        var day = Assert.Single(await site.GetUsageAsync(Today, Today, UsageGranularity.Day));
        Assert.Equal((2, 2, SiteSettings.Unlimited, 1), (day.Limit, day.LimitLowest, day.LimitHighest, day.LimitChanges));
    }

    [Fact]
    public async Task The_line_counts_joins_admissions_and_waits()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 1, OnFull = FullSitePolicy.Queue });
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob"))).Ticket;
        var cat = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("cat"))).Ticket;
        Assert.True(await site.LeaveLineAsync(cat.TicketId));
        _silo.Clock.Advance(TimeSpan.FromSeconds(40));
        await _silo.Grains.GetSiteGrain(siteId).SignOutAsync(ann.SessionId);
        await Eventually.WaitForAsync(() => site.GetSummaryAsync(), s => s.Active == 0);
        Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(bob.TicketId));

        var day = Assert.Single(await site.GetUsageAsync(FirstDay, FirstDay, UsageGranularity.Day));
        Assert.Equal((2, 1, 1, 0), (day.LineJoined, day.LineAdmitted, day.LineLeft, day.LineExpired));
        Assert.Equal(2, day.SessionsStarted);

        // Bob waited 40 s: the bucket from 30 to 45 s.
        Assert.Equal(TimeSpan.FromSeconds(45), day.WaitMedian);
        Assert.Equal(TimeSpan.FromSeconds(45), day.WaitP95);
    }

    [Fact]
    public async Task Rows_older_than_the_retention_are_deleted()
    {
        // Never full: minutes at the limit are counted from one observation to the next, which a jump of days skips.
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 5 });
        await site.AdmitAsync(Sites.User("ann"));
        _silo.Clock.Advance(TimeSpan.FromDays(2));
        await site.AdmitAsync(Sites.User("bob"));
        await _silo.RestartAsync();

        // 401 days after the first: that day is past the retention, the third (399 days old) is not.
        _silo.Clock.Advance(TimeSpan.FromDays(UsageRange.RetentionDays - 1));
        await _silo.Grains.GetSiteGrain(Sites.NewId()).AdmitAsync(Sites.User("dan"));
        await _silo.RestartAsync();

        var rows = await _silo.Grains.GetSiteGrain(siteId).GetUsageAsync(Today.AddDays(-UsageRange.MaxDays + 1), Today, UsageGranularity.Day);
        Assert.Equal([FirstDay.AddDays(2)], rows.Select(r => r.Start));
    }

    [Fact]
    public async Task Guard_blocks_and_a_closed_site_s_refusals_are_counted_by_reason()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = SiteSettings.Closed });
        Assert.Equal(RefusalReason.SiteClosed, (await site.RefuseAsync(Sites.User("ann"))).Reason);
        await _silo.Grains.GetGrain<ISiteLeaseGrain>(siteId).RecordGuardRefusalsAsync(3);

        var day = Assert.Single(await site.GetUsageAsync(FirstDay, FirstDay, UsageGranularity.Day));
        Assert.Equal((1, 0, 1, 3), (day.RefusedSiteClosed, day.RefusedSiteFull, day.Refused, day.GuardBlocks));

        // A closed site is not full: nobody holds a seat it lacks.
        Assert.Equal(0, day.MinutesAtLimit);
    }

    [Fact]
    public async Task A_backwards_or_too_long_range_is_refused_naming_the_field()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());

        var backwards = await Assert.ThrowsAsync<InvalidRequestException>(() => site.GetUsageAsync(FirstDay, FirstDay.AddDays(-1), UsageGranularity.Day));
        Assert.Equal("to", Assert.Single(backwards.Errors).Field);
        var tooLong = await Assert.ThrowsAsync<InvalidRequestException>(() => site.GetUsageAsync(FirstDay, FirstDay.AddDays(UsageRange.MaxDays), UsageGranularity.Month));
        Assert.Equal("from", Assert.Single(tooLong.Errors).Field);
    }
}

public sealed class UsageTestsOnSqlite() : UsageTests(StorageKind.Sqlite);

public sealed class UsageTestsOnPostgreSql() : UsageTests(StorageKind.PostgreSql);
