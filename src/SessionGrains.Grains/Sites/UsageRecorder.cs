namespace SessionGrains.Grains.Sites;

/// <summary>
/// Accumulates the site's usage per UTC day (<see cref="UsageDay"/>) in memory. The rows that changed go out with the
/// site's own writes (<see cref="DurableSite"/>), at most once a minute; the minute timer writes them only when they
/// waited <see cref="LongestUnwritten"/>, and a deactivation always: never a write per admission. An activation
/// resumes today's stored row, so a restart loses nothing that was written.
/// </summary>
internal sealed class UsageRecorder
{
    /// <summary>How often the rows ride along with the site's writes, at most.</summary>
    public static readonly TimeSpan WritePeriod = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long changed rows may wait for a write of the site's own before the minute timer writes them: a site with
    /// sessions writes at least at every lease renewal, so only a site that merely refuses waits this long, and a crash
    /// loses at most this much of its counts.
    /// </summary>
    public static readonly TimeSpan LongestUnwritten = TimeSpan.FromMinutes(15);

    private readonly TimeProvider _clock;
    private readonly DateOnly _since;
    private readonly SortedDictionary<DateOnly, UsageDay> _days = [];
    private readonly HashSet<DateOnly> _changed = [];
    private DateTimeOffset _writtenAt;
    private DateTimeOffset _unwrittenSince;
    private bool _writeAsked;
    private int _limit;
    private bool _wasFull;
    private long _lastFullMinute;

    /// <param name="today">Today's stored row, if the site wrote one before this activation.</param>
    /// <param name="limit">The limit in force now.</param>
    public UsageRecorder(TimeProvider clock, UsageDay? today, int limit)
    {
        _clock = clock;
        var now = clock.GetUtcNow();
        _since = DayOf(now);
        _writtenAt = now;
        _limit = limit;
        _lastFullMinute = today?.LastFullMinute ?? -1;
        if (today is not null && today.Day == _since)
        {
            _days[_since] = today;
        }
    }

    /// <summary>True when changed rows should go with the next write: a minute after the last, or when asked.</summary>
    public bool Due => _changed.Count > 0 && (_writeAsked || _clock.GetUtcNow() - _writtenAt >= WritePeriod);

    public static DateOnly DayOf(DateTimeOffset moment) => DateOnly.FromDateTime(moment.UtcDateTime);

    /// <summary>Changed rows have waited <see cref="LongestUnwritten"/> for a write of the site's own.</summary>
    public bool Stale => _changed.Count > 0 && _clock.GetUtcNow() - _unwrittenSince >= LongestUnwritten;

    /// <summary>The timer or the deactivation asked for a write of the changed rows: they start one of their own.</summary>
    public bool WriteAsked => _writeAsked && _changed.Count > 0;

    /// <summary>The next write takes every changed row, however recent the last.</summary>
    public void AskWrite() => _writeAsked = _changed.Count > 0;

    public void Started(DateTimeOffset now, string userId)
    {
        var row = Row(now);
        row.SessionsStarted++;
        UserSketch.Add(row.Users, userId);
        Changed(row);
    }

    public void Refused(DateTimeOffset now, RefusalReason reason)
    {
        var row = Row(now);
        switch (reason)
        {
            case RefusalReason.SiteFull:
                row.RefusedSiteFull++;
                break;
            case RefusalReason.SiteClosed:
                row.RefusedSiteClosed++;
                break;
            case RefusalReason.UserLimit:
                row.RefusedUserLimit++;
                break;
            case RefusalReason.MaxSessions:
                row.RefusedMaxSessions++;
                break;
            default:
                return;
        }

        Changed(row);
    }

    public void GuardBlocks(DateTimeOffset now, int count)
    {
        var row = Row(now);
        row.GuardBlocks += count;
        Changed(row);
    }

    public void Joined(DateTimeOffset now) => Changed(Count(now, row => row.LineJoined++));

    /// <summary>A ticket claimed its seat after waiting <paramref name="wait"/> (its session's start is counted apart).</summary>
    public void Admitted(DateTimeOffset now, TimeSpan wait)
    {
        var row = Row(now);
        row.LineAdmitted++;
        WaitHistogram.Add(row.Waits, wait);
        Changed(row);
    }

    public void Left(DateTimeOffset now) => Changed(Count(now, row => row.LineLeft++));

    public void Expired(DateTimeOffset now) => Changed(Count(now, row => row.LineExpired++));

    /// <summary>
    /// The site's first settings: if nothing happened today under the server's defaults, today's row takes their limit
    /// as its only one, since the defaults applied only to a site nobody had set up yet. Otherwise the change counts.
    /// </summary>
    public void Configured(DateTimeOffset now, int limit)
    {
        var row = Row(now);
        if (row.IsEmpty)
        {
            _limit = limit;
            row.Limit = row.LimitLowest = row.LimitHighest = limit;
        }
    }

    /// <summary>
    /// The count and the limit as stored now: after each write and once a minute. Tracks the peak, the limit's changes
    /// and the minutes at the limit, each minute counted in its own day, so a full site crossing midnight fills both.
    /// </summary>
    public void Observe(DateTimeOffset now, int counted, int limit)
    {
        var row = Row(now);
        if (limit != _limit)
        {
            _limit = limit;
            row.Limit = limit;
            row.LimitLowest = UsageLimits.Lower(row.LimitLowest, limit);
            row.LimitHighest = UsageLimits.Higher(row.LimitHighest, limit);
            row.LimitChanges++;
            if (row.ChangedLimits.Count < UsageDay.MostChangesListed)
            {
                row.ChangedLimits.Add(new LimitChange { At = now, Limit = limit });
            }

            Changed(row);
        }

        if (counted > row.PeakCounted)
        {
            row.PeakCounted = counted;
            Changed(row);
        }

        var minute = now.ToUnixTimeSeconds() / 60;
        var full = limit > 0 && counted >= limit;

        // Full since the last observation: every minute since then was at the limit, this one too.
        var first = _wasFull ? _lastFullMinute + 1 : full ? Math.Max(minute, _lastFullMinute + 1) : long.MaxValue;
        while (first <= minute)
        {
            var day = DayOf(DateTimeOffset.FromUnixTimeSeconds(first * 60));
            var last = Math.Min(minute, (day.AddDays(1).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber) * 1440L - 1);
            if (RowOf(day) is { } fullDay)
            {
                fullDay.MinutesAtLimit += (int)(last - first + 1);
                fullDay.LastFullMinute = last;
                Changed(fullDay);
            }

            first = last + 1;
            _lastFullMinute = last;
        }

        _wasFull = full;
    }

    /// <summary>Copies of the rows that changed since the last write, for the store; forgets days that are done.</summary>
    public IReadOnlyList<UsageDay> TakeChanges()
    {
        var taken = _changed.Select(day => _days[day].Copy()).ToList();
        _changed.Clear();
        _writeAsked = false;
        var now = _clock.GetUtcNow();
        _writtenAt = now;

        // Yesterday stays a day longer: a full stretch across midnight still adds its last minutes to it.
        var keepFrom = DayOf(now).AddDays(-1);
        foreach (var day in _days.Keys.Where(day => day < keepFrom).ToList())
        {
            _days.Remove(day);
        }

        return taken;
    }

    /// <summary>The rows this activation holds within the range, newer than (or as new as) what storage holds; days without activity have none.</summary>
    public IEnumerable<UsageDay> Rows(DateOnly from, DateOnly to) =>
        _days.Values.Where(row => row.Day >= from && row.Day <= to && !row.IsEmpty);

    private UsageDay Count(DateTimeOffset now, Action<UsageDay> change)
    {
        var row = Row(now);
        change(row);
        return row;
    }

    private void Changed(UsageDay row)
    {
        if (_changed.Count == 0)
        {
            _unwrittenSince = _clock.GetUtcNow();
        }

        _changed.Add(row.Day);
    }

    // A clock a moment behind the activation's start (another silo's) still counts in the first day.
    private UsageDay Row(DateTimeOffset now) => RowOf(DayOf(now) < _since ? _since : DayOf(now))!;

    /// <summary>A day's row, made with the limit in force; null for a day before this activation, whose stored row it would overwrite.</summary>
    private UsageDay? RowOf(DateOnly day)
    {
        if (_days.TryGetValue(day, out var row))
        {
            return row;
        }

        if (day < _since)
        {
            return null;
        }

        row = new UsageDay { Day = day, Limit = _limit, LimitLowest = _limit, LimitHighest = _limit };
        _days[day] = row;
        return row;
    }
}
