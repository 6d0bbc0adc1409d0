namespace SessionGrains.Grains.Sites;

/// <summary>Turns stored day rows into the report's periods: days as they are, months and ranges derived from their days.</summary>
internal static class UsageReport
{
    /// <param name="days">Oldest first, one per day, all within the range.</param>
    /// <param name="firstDay">The range's first day: where a <see cref="UsageGranularity.Total"/> period starts.</param>
    public static IReadOnlyList<SiteUsage> Of(IReadOnlyList<UsageDay> days, UsageGranularity granularity, DateOnly firstDay) => granularity switch
    {
        UsageGranularity.Day => [.. days.Select(day => Period(day.Day, [day]))],
        UsageGranularity.Month => [.. days.GroupBy(day => new DateOnly(day.Day.Year, day.Day.Month, 1)).Select(month => Period(month.Key, [.. month]))],
        _ => days.Count == 0 ? [] : [Period(firstDay, days)],
    };

    private static SiteUsage Period(DateOnly start, IReadOnlyList<UsageDay> days)
    {
        var users = UserSketch.Empty();
        var waits = WaitHistogram.Empty();
        foreach (var day in days)
        {
            UserSketch.Merge(users, day.Users);
            WaitHistogram.Merge(waits, day.Waits);
        }

        return new SiteUsage
        {
            Start = start,
            Days = days.Count,
            PeakCounted = days.Max(day => day.PeakCounted),
            MinutesAtLimit = days.Sum(day => day.MinutesAtLimit),
            SessionsStarted = days.Sum(day => day.SessionsStarted),
            DistinctUsers = UserSketch.Estimate(users),
            RefusedSiteFull = days.Sum(day => day.RefusedSiteFull),
            RefusedSiteClosed = days.Sum(day => day.RefusedSiteClosed),
            RefusedUserLimit = days.Sum(day => day.RefusedUserLimit),
            RefusedMaxSessions = days.Sum(day => day.RefusedMaxSessions),
            GuardBlocks = days.Sum(day => day.GuardBlocks),
            LineJoined = days.Sum(day => day.LineJoined),
            LineAdmitted = days.Sum(day => day.LineAdmitted),
            LineLeft = days.Sum(day => day.LineLeft),
            LineExpired = days.Sum(day => day.LineExpired),
            WaitMedian = WaitHistogram.Quantile(waits, 0.5),
            WaitP95 = WaitHistogram.Quantile(waits, 0.95),
            Limit = days[^1].Limit,
            LimitLowest = days.Select(day => day.LimitLowest).Aggregate(UsageLimits.Lower),
            LimitHighest = days.Select(day => day.LimitHighest).Aggregate(UsageLimits.Higher),
            LimitChanges = days.Sum(day => day.LimitChanges),
            ChangedLimits = [.. days.SelectMany(day => day.ChangedLimits)],
        };
    }
}
