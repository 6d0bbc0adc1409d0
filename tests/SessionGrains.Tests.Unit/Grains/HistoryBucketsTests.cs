using SessionGrains.Grains.Sites;

namespace SessionGrains.Tests.Unit.Grains;

/// <summary>The per-minute history on its own: what it keeps, what it answers, and that it stays bounded.</summary>
public sealed class HistoryBucketsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_minute_keeps_its_peak_and_the_level_carries_into_quiet_minutes()
    {
        var history = new HistoryBuckets(new HistoryState());
        history.RecordActive(Start, 1);
        history.RecordActive(Start.AddSeconds(10), 3);
        history.RecordActive(Start.AddSeconds(50), 2);

        var snapshot = history.Snapshot(Start.AddMinutes(5));

        Assert.Equal(SiteHistory.BucketCount, snapshot.Active.Count);
        Assert.Equal(Start.AddMinutes(5 - SiteHistory.BucketCount + 1), snapshot.From);
        Assert.Equal([0, 3, 2, 2, 2, 2, 2], snapshot.Active.TakeLast(7));
    }

    [Fact]
    public void Refusals_count_in_their_minute_and_leave_the_last_hour_after_sixty_minutes()
    {
        var history = new HistoryBuckets(new HistoryState());
        history.RecordRefusal(Start);
        history.RecordRefusal(Start.AddSeconds(30));
        history.RecordRefusal(Start.AddMinutes(30));

        Assert.Equal(3, history.RefusalsInLast(60, Start.AddMinutes(59)));
        Assert.Equal(1, history.RefusalsInLast(60, Start.AddMinutes(60)));
        Assert.Equal(0, history.RefusalsInLast(60, Start.AddMinutes(90)));
        var refusals = history.Snapshot(Start.AddMinutes(30)).Refusals;
        Assert.Equal((2, 1, 3), (refusals[^31], refusals[^1], refusals.Sum()));
    }

    [Fact]
    public void The_peak_since_midnight_starts_from_the_level_midnight_found()
    {
        var history = new HistoryBuckets(new HistoryState());
        history.RecordActive(Start, 7);
        history.RecordActive(Start.AddMinutes(10), 4);
        var midnight = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(7, history.PeakSince(Start.Date));
        Assert.Equal(4, history.PeakSince(midnight));
        history.RecordActive(midnight.AddHours(2), 5);
        Assert.Equal(5, history.PeakSince(midnight));
    }

    [Fact]
    public void A_quiet_site_takes_no_bucket()
    {
        var history = new HistoryBuckets(new HistoryState());
        for (var minute = 0; minute < 120; minute++)
        {
            history.RecordActive(Start.AddMinutes(minute), 0);
        }

        Assert.Equal(0, history.BucketCount);
        Assert.False(history.Unwritten);
    }

    [Fact]
    public void Three_busy_days_keep_one_day_of_buckets_and_the_level_before_them()
    {
        var state = new HistoryState();
        var history = new HistoryBuckets(state);
        var now = Start;
        for (var minute = 0; minute < 3 * SiteHistory.BucketCount; minute++)
        {
            now = Start.AddMinutes(minute);
            history.RecordActive(now, minute % 50);
            history.RecordRefusal(now);
        }

        Assert.Equal(SiteHistory.BucketCount, history.BucketCount);
        Assert.Equal(SiteHistory.BucketCount, history.RefusalsInLast(SiteHistory.BucketCount, now));

        // Two more quiet hours: the level of the last busy minute still holds in every newer minute.
        var later = now.AddHours(2);
        history.RecordActive(later, 7);
        var snapshot = history.Snapshot(later);
        Assert.Equal(SiteHistory.BucketCount, snapshot.Active.Count);
        Assert.Equal(SiteHistory.BucketCount - 120 + 1, state.Buckets.Count);
        var lastBusyLevel = (3 * SiteHistory.BucketCount - 1) % 50;
        Assert.Equal(lastBusyLevel, snapshot.Active[^2]);

        // The minute that dropped to 7 began at the old level, which is its peak; the next minute starts at 7.
        Assert.Equal(lastBusyLevel, snapshot.Active[^1]);
        Assert.Equal(7, history.Snapshot(later.AddMinutes(1)).Active[^1]);
    }

    [Fact]
    public void A_clock_behind_the_newest_bucket_adds_to_it()
    {
        var history = new HistoryBuckets(new HistoryState());
        history.RecordActive(Start.AddMinutes(1), 2);
        history.RecordRefusal(Start);

        Assert.Equal(1, history.BucketCount);
        Assert.Equal(1, history.Snapshot(Start.AddMinutes(1)).Refusals[^1]);
    }

    [Fact]
    public void The_lines_length_keeps_its_peak_per_minute_and_carries_into_quiet_minutes_beside_the_count()
    {
        var history = new HistoryBuckets(new HistoryState());
        history.RecordActive(Start, 1);
        history.RecordWaiting(Start.AddSeconds(10), 4);
        history.RecordWaiting(Start.AddSeconds(20), 3);
        history.RecordWaiting(Start.AddMinutes(2), 3);

        var snapshot = history.Snapshot(Start.AddMinutes(3));

        Assert.Equal([0, 4, 3, 3, 3], snapshot.Waiting.TakeLast(5));
        Assert.Equal([0, 1, 1, 1, 1], snapshot.Active.TakeLast(5));
        Assert.Equal(1, history.BucketCount);
    }

    [Fact]
    public void A_history_stored_before_the_line_had_one_reads_as_nobody_waiting()
    {
        // A bucket as an older server stored it: no waiting fields, so they read 0.
        var state = new HistoryState { Buckets = [new HistoryBucket { Minute = (int)((Start - DateTimeOffset.UnixEpoch).TotalMinutes), Peak = 5, Last = 5 }] };
        var history = new HistoryBuckets(state);
        history.RecordWaiting(Start.AddMinutes(1), 2);

        var snapshot = history.Snapshot(Start.AddMinutes(1));

        Assert.Equal([0, 2], snapshot.Waiting.TakeLast(2));
        Assert.Equal([5, 5], snapshot.Active.TakeLast(2));
    }
}
