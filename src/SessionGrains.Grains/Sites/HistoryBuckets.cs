using System.Runtime.InteropServices;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Keeps a site's activity over the last 24 hours in one-minute buckets: the peak of counted sessions, the
/// refusals, the attempts the sign-in guard refused, and the peak of tickets waiting. A minute in which nothing happened takes no bucket (the count
/// and the line stay at the previous bucket's last values), so an idle site costs nothing and a busy one at most <see cref="SiteHistory.BucketCount"/> buckets.
/// </summary>
internal sealed class HistoryBuckets(HistoryState state)
{
    private static readonly DateTimeOffset UnixEpoch = DateTimeOffset.UnixEpoch;

    /// <summary>Changed since the last <see cref="MarkWritten"/>.</summary>
    public bool Unwritten { get; private set; }

    public int BucketCount => state.Buckets.Count;

    /// <summary>The count now; a new bucket is started only if it differs from the level the history already holds.</summary>
    public void RecordActive(DateTimeOffset now, int active)
    {
        var minute = MinuteOf(now);
        if (LatestMinute != minute && LevelAt(minute) == active)
        {
            return;
        }

        ref var bucket = ref Current(minute);
        bucket.Peak = Math.Max(bucket.Peak, active);
        bucket.Last = active;
        Unwritten = true;
    }

    /// <summary>The tickets waiting now, kept as the count is: a new bucket only if the line's length changed.</summary>
    public void RecordWaiting(DateTimeOffset now, int waiting)
    {
        var minute = MinuteOf(now);
        if (LatestMinute != minute && WaitingAt(minute) == waiting)
        {
            return;
        }

        ref var bucket = ref Current(minute);
        bucket.WaitingPeak = Math.Max(bucket.WaitingPeak, waiting);
        bucket.WaitingLast = waiting;
        Unwritten = true;
    }

    public void RecordRefusal(DateTimeOffset now)
    {
        ref var bucket = ref Current(MinuteOf(now));
        bucket.Refusals++;
        Unwritten = true;
    }

    public void RecordGuardRefusals(DateTimeOffset now, int count)
    {
        ref var bucket = ref Current(MinuteOf(now));
        bucket.GuardRefusals += count;
        Unwritten = true;
    }

    public void MarkWritten() => Unwritten = false;

    /// <summary>Refusals in the last <paramref name="minutes"/> buckets, the current minute's included.</summary>
    public int RefusalsInLast(int minutes, DateTimeOffset now)
    {
        var first = MinuteOf(now) - minutes + 1;
        var total = 0;
        foreach (var bucket in state.Buckets)
        {
            if (bucket.Minute >= first)
            {
                total += bucket.Refusals;
            }
        }

        return total;
    }

    /// <summary>The most sessions counted at once from <paramref name="since"/> (to the minute) until now.</summary>
    public int PeakSince(DateTimeOffset since)
    {
        var first = MinuteOf(since);
        var peak = LevelAt(first - 1);
        foreach (var bucket in state.Buckets)
        {
            if (bucket.Minute >= first)
            {
                peak = Math.Max(peak, bucket.Peak);
            }
        }

        return peak;
    }

    public SiteHistory Snapshot(DateTimeOffset now)
    {
        var last = MinuteOf(now);
        var first = last - SiteHistory.BucketCount + 1;
        var active = new int[SiteHistory.BucketCount];
        var refusals = new int[SiteHistory.BucketCount];
        var guardRefusals = new int[SiteHistory.BucketCount];
        var waiting = new int[SiteHistory.BucketCount];
        var level = LevelAt(first - 1);
        var waitingLevel = WaitingAt(first - 1);
        var buckets = state.Buckets;
        var next = buckets.FindIndex(b => b.Minute >= first);
        for (var i = 0; i < active.Length; i++)
        {
            if (next >= 0 && next < buckets.Count && buckets[next].Minute == first + i)
            {
                var bucket = buckets[next++];
                active[i] = bucket.Peak;
                refusals[i] = bucket.Refusals;
                guardRefusals[i] = bucket.GuardRefusals;
                waiting[i] = bucket.WaitingPeak;
                level = bucket.Last;
                waitingLevel = bucket.WaitingLast;
            }
            else
            {
                active[i] = level;
                waiting[i] = waitingLevel;
            }
        }

        return new SiteHistory { From = UnixEpoch.AddMinutes(first), Active = active, Refusals = refusals, GuardRefusals = guardRefusals, Waiting = waiting };
    }

    private int? LatestMinute => state.Buckets.Count > 0 ? state.Buckets[^1].Minute : null;

    /// <summary>The count at the end of <paramref name="minute"/>.</summary>
    private int LevelAt(int minute)
    {
        var buckets = state.Buckets;
        for (var i = buckets.Count - 1; i >= 0; i--)
        {
            if (buckets[i].Minute <= minute)
            {
                return buckets[i].Last;
            }
        }

        return state.ActiveBefore;
    }

    /// <summary>The tickets waiting at the end of <paramref name="minute"/>.</summary>
    private int WaitingAt(int minute)
    {
        var buckets = state.Buckets;
        for (var i = buckets.Count - 1; i >= 0; i--)
        {
            if (buckets[i].Minute <= minute)
            {
                return buckets[i].WaitingLast;
            }
        }

        return state.WaitingBefore;
    }

    /// <summary>The bucket of <paramref name="minute"/>, started at the current level if it is new.</summary>
    private ref HistoryBucket Current(int minute)
    {
        var buckets = state.Buckets;

        // A clock behind the one that wrote the newest bucket (another silo) adds to that bucket rather than reorder.
        if (LatestMinute is not { } latest || latest < minute)
        {
            var level = LevelAt(minute);
            var waiting = WaitingAt(minute);
            buckets.Add(new HistoryBucket { Minute = minute, Peak = level, Last = level, WaitingPeak = waiting, WaitingLast = waiting });
            DropOlderThan(minute - SiteHistory.BucketCount + 1);
        }

        return ref CollectionsMarshal.AsSpan(buckets)[^1];
    }

    private void DropOlderThan(int firstKept)
    {
        var buckets = state.Buckets;
        var dropped = 0;
        while (dropped < buckets.Count && buckets[dropped].Minute < firstKept)
        {
            dropped++;
        }

        if (dropped > 0)
        {
            state.ActiveBefore = buckets[dropped - 1].Last;
            state.WaitingBefore = buckets[dropped - 1].WaitingLast;
            buckets.RemoveRange(0, dropped);
        }
    }

    private static int MinuteOf(DateTimeOffset time) => (int)((time - UnixEpoch).Ticks / TimeSpan.TicksPerMinute);
}
