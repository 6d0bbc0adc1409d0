using SessionGrains.Server.Admin;

namespace SessionGrains.Tests.Unit.Server;

/// <summary>The admin UI's table and chart logic on its own: sorting, filtering, what stands out, what the chart draws.</summary>
public sealed class AdminViewTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Sites_filter_by_id_and_sort_with_unlimited_as_the_largest_limit()
    {
        SiteSummary[] sites = [Site("b-shop", limit: 10, active: 9), Site("a-blog", limit: -1, active: 3), Site("c-wiki", limit: 0, active: 0), Site("Z-docs", limit: 4, active: 4)];

        var byLimit = SitesTable.Build(sites, filter: null, sort: "limit", descending: true);
        var filtered = SitesTable.Build(sites, filter: " SHOP ", sort: null, descending: false);
        var byId = SitesTable.Build(sites, filter: null, sort: "no-such-column", descending: false);

        Assert.Equal(["a-blog", "b-shop", "Z-docs", "c-wiki"], byLimit.Rows.Select(r => r.Summary.SiteId));
        Assert.Equal("b-shop", Assert.Single(filtered.Rows).Summary.SiteId);
        Assert.Equal(4, filtered.Total);
        Assert.Equal(["Z-docs", "a-blog", "b-shop", "c-wiki"], byId.Rows.Select(r => r.Summary.SiteId));
        Assert.Equal(SiteColumn.Site, byId.Sort);
    }

    [Theory]
    [InlineData(-1, 500, SiteLoad.Unlimited)]
    [InlineData(0, 0, SiteLoad.Closed)]
    [InlineData(10, 7, SiteLoad.Normal)]
    [InlineData(10, 8, SiteLoad.NearLimit)]
    [InlineData(10, 10, SiteLoad.Full)]
    [InlineData(10, 12, SiteLoad.Full)]
    public void A_site_stands_out_from_eighty_percent_of_its_seats(int limit, int active, SiteLoad load) =>
        Assert.Equal(load, SitesTable.LoadOf(limit, active));

    [Fact]
    public void The_chart_has_a_point_where_the_count_changes_a_bar_per_refusing_minute_and_a_mark_every_three_hours()
    {
        var active = new int[SiteHistory.BucketCount];
        var refusals = new int[SiteHistory.BucketCount];
        Array.Fill(active, 2, 600, 840);
        refusals[700] = 3;
        refusals[701] = 1;
        var activity = new SiteHistory { From = Midnight.AddMinutes(30), Active = active, Refusals = refusals };

        var chart = HistoryChart.Draw(activity, limit: 4);

        // Flat at 0, a step up to 2 at minute 600, flat to the end: four points, not 1,440.
        var points = chart.ActivePoints.Split(' ');
        Assert.Equal(4, points.Length);
        Assert.Equal($"{HistoryChart.Left},{HistoryChart.ActiveBottom}", points[0]);
        Assert.Equal(2, chart.RefusalBars.Count);
        Assert.Equal(4, chart.ActiveScale);
        Assert.Equal(3, chart.RefusalScale);
        Assert.Equal(((HistoryChart.ActiveTop + HistoryChart.ActiveBottom) / 2.0).ToString(System.Globalization.CultureInfo.InvariantCulture), points[^1].Split(',')[1]);
        Assert.Equal(["03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "00:00"], chart.Ticks.Select(t => t.Label));
        Assert.Contains("peak 2 of 4, 4 refused", chart.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Attempts_the_guard_refused_stand_on_the_refusals_of_their_minute()
    {
        var active = new int[SiteHistory.BucketCount];
        var refusals = new int[SiteHistory.BucketCount];
        var guard = new int[SiteHistory.BucketCount];
        refusals[100] = 1;
        guard[100] = 3;
        guard[200] = 2;

        var chart = HistoryChart.Draw(new SiteHistory { From = Midnight, Active = active, Refusals = refusals, GuardRefusals = guard }, limit: 4);

        // The scale is the tallest stack: one refusal and three blocked attempts.
        Assert.Equal(4, chart.RefusalScale);
        var refusal = Assert.Single(chart.RefusalBars);
        var stacked = chart.GuardBars.Single(bar => bar.X == refusal.X);
        Assert.Equal(double.Parse(refusal.Y, System.Globalization.CultureInfo.InvariantCulture), double.Parse(stacked.Y, System.Globalization.CultureInfo.InvariantCulture) + double.Parse(stacked.Height, System.Globalization.CultureInfo.InvariantCulture), 1);
        Assert.Equal(2, chart.GuardBars.Count);
        Assert.Contains("5 sign-in attempts blocked", chart.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_waiting_line_is_a_second_step_line_on_the_sessions_scale_drawn_only_once_someone_waited()
    {
        var active = Enumerable.Repeat(2, SiteHistory.BucketCount).ToArray();
        var waiting = new int[SiteHistory.BucketCount];
        var history = new SiteHistory { From = Midnight, Active = active, Refusals = new int[SiteHistory.BucketCount], Waiting = waiting };
        Assert.Null(HistoryChart.Draw(history, limit: 2).WaitingPoints);

        waiting[600] = 6;
        var chart = HistoryChart.Draw(history, limit: 2);

        // Six waiting outgrow a limit of two: the scale makes room for them, and the top of the band is six.
        Assert.Equal(6, chart.ActiveScale);
        Assert.Contains($",{HistoryChart.ActiveTop}", chart.WaitingPoints, StringComparison.Ordinal);
        Assert.Contains("at most 6 waiting", chart.Summary, StringComparison.Ordinal);
    }

    private static SiteSummary Site(string id, int limit, int active) => new()
    {
        SiteId = id,
        Settings = new SiteSettings { Limit = limit },
        Active = active,
        Exempt = 0,
        RefusalsLastHour = 0,
        PeakToday = active,
    };
}
