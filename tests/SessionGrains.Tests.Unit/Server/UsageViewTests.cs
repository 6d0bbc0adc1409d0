using SessionGrains.Server.Admin;

namespace SessionGrains.Tests.Unit.Server;

/// <summary>The operator's usage table and 90-day chart on their own: what comes first, and what the chart draws.</summary>
public sealed class UsageViewTests
{
    private static readonly DateOnly From = new(2026, 1, 1);
    private static readonly DateOnly To = From.AddDays(89);

    [Fact]
    public void The_table_puts_the_most_time_at_the_limit_first_and_sites_without_activity_last_whichever_the_order()
    {
        string[] siteIds = ["a-quiet", "b-full", "c-idle", "d-open"];
        SiteUsage?[] usages = [Usage(From, limit: 5, minutesAtLimit: 0, refused: 0), Usage(From, limit: 2, minutesAtLimit: 90, refused: 7), null, Usage(From, limit: SiteSettings.Unlimited, minutesAtLimit: 0, refused: 0)];

        var first = UsageTable.Build(siteIds, usages, From, To, sort: null, descending: null);
        var byLimit = UsageTable.Build(siteIds, usages, From, To, sort: "limit", descending: true);
        var byRefusedFewest = UsageTable.Build(siteIds, usages, From, To, sort: "refused", descending: false);

        Assert.Equal((UsageColumn.AtLimit, true), (first.Sort, first.Descending));
        Assert.Equal(["b-full", "a-quiet", "d-open", "c-idle"], first.Rows.Select(row => row.SiteId));
        Assert.Equal(["d-open", "a-quiet", "b-full", "c-idle"], byLimit.Rows.Select(row => row.SiteId));
        Assert.Equal(["c-idle", "a-quiet", "d-open", "b-full"], byRefusedFewest.Rows.Select(row => row.SiteId));
    }

    [Fact]
    public void The_chart_carries_the_limit_over_quiet_days_breaks_it_where_there_is_none_and_marks_each_month()
    {
        SiteUsage[] days =
        [
            Usage(From.AddDays(10), limit: 4, minutesAtLimit: 30, refused: 2, peak: 4),
            Usage(From.AddDays(20), limit: SiteSettings.Unlimited, minutesAtLimit: 0, refused: 0, peak: 6),
            Usage(From.AddDays(30), limit: 8, minutesAtLimit: 0, refused: 0, peak: 1),
        ];

        var chart = UsageChart.Draw(days, From, To);

        // Nothing before day 10 (the site had no limit yet), days 10 to 19 at 4, none on 20 to 29, 8 from day 30 on.
        var moves = chart.LimitPath!.Split(' ').Where(part => part.StartsWith('M')).Select(part => X(part[1..]));
        Assert.Equal([X(Left(10)), X(Left(30))], moves);
        Assert.Equal(3, chart.PeakBars.Count);
        Assert.Single(chart.RefusalBars);
        Assert.Equal(8, chart.PeakScale);
        Assert.Equal(["Jan 1", "Feb 1", "Mar 1"], chart.Ticks.Select(tick => tick.Label));
        Assert.Contains("highest peak 6, 30 minutes at the limit, 2 refused", chart.Summary, StringComparison.Ordinal);
        Assert.True(UsageChart.Draw([], From, To).Empty);
    }

    private static string Left(int day) => Svg.Number(UsageChart.Left + (day * (double)(UsageChart.Right - UsageChart.Left) / 90));

    private static string X(string point) => point.Split(',')[0];

    private static SiteUsage Usage(DateOnly day, int limit, int minutesAtLimit, int refused, int peak = 1) => new()
    {
        Start = day,
        Days = 1,
        PeakCounted = peak,
        MinutesAtLimit = minutesAtLimit,
        SessionsStarted = 1,
        RefusedSiteFull = refused,
        Limit = limit,
        LimitLowest = limit,
        LimitHighest = limit,
    };
}
