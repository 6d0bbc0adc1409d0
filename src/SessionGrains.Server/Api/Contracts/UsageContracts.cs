namespace SessionGrains.Server.Api.Contracts;

/// <summary>One period (a UTC day, month or range) of a site's usage, flat, so its JSON fields and its CSV columns are the same.</summary>
public sealed record SiteUsageView
{
    /// <summary>The period's first day (yyyy-MM-dd).</summary>
    public required DateOnly Start { get; init; }

    /// <summary>Days of the period with activity.</summary>
    public required int Days { get; init; }

    /// <summary>The most sessions counted at once.</summary>
    public required int PeakCounted { get; init; }

    /// <summary>Minutes during which the site was full.</summary>
    public required int MinutesAtLimit { get; init; }

    public required int SessionsStarted { get; init; }

    /// <summary>Distinct users who started a session; see <see cref="DistinctUsersEstimated"/>.</summary>
    public required int DistinctUsers { get; init; }

    /// <summary>True: a HyperLogLog estimate, about 1.6% standard error (near exact below some thousands of users).</summary>
    public required bool DistinctUsersEstimated { get; init; }

    public required int RefusedSiteFull { get; init; }

    public required int RefusedSiteClosed { get; init; }

    public required int RefusedUserLimit { get; init; }

    public required int RefusedMaxSessions { get; init; }

    /// <summary>Every refused sign-in, whatever the reason (the guard's blocks apart).</summary>
    public required int Refused { get; init; }

    public required int GuardBlocks { get; init; }

    public required int LineJoined { get; init; }

    public required int LineAdmitted { get; init; }

    public required int LineLeft { get; init; }

    public required int LineExpired { get; init; }

    /// <summary>Median wait in the line, in seconds (the upper edge of its histogram bucket); null without admissions from the line.</summary>
    public int? WaitMedianSeconds { get; init; }

    public int? WaitP95Seconds { get; init; }

    /// <summary>The limit at the end of the period (-1 unlimited, 0 closed).</summary>
    public required int Limit { get; init; }

    public required int LimitLowest { get; init; }

    public required int LimitHighest { get; init; }

    public required int LimitChanges { get; init; }

    /// <summary>
    /// The changes of the limit, oldest first: when each was stored and the limit from then on (a day lists its first
    /// 24). Not in the CSV, whose rows are flat: <see cref="LimitChanges"/> counts them there.
    /// </summary>
    public required IReadOnlyList<LimitChangeView> ChangedLimits { get; init; }

    public static SiteUsageView From(SiteUsage usage) => new()
    {
        Start = usage.Start,
        Days = usage.Days,
        PeakCounted = usage.PeakCounted,
        MinutesAtLimit = usage.MinutesAtLimit,
        SessionsStarted = usage.SessionsStarted,
        DistinctUsers = usage.DistinctUsers,
        DistinctUsersEstimated = usage.DistinctUsersEstimated,
        RefusedSiteFull = usage.RefusedSiteFull,
        RefusedSiteClosed = usage.RefusedSiteClosed,
        RefusedUserLimit = usage.RefusedUserLimit,
        RefusedMaxSessions = usage.RefusedMaxSessions,
        Refused = usage.Refused,
        GuardBlocks = usage.GuardBlocks,
        LineJoined = usage.LineJoined,
        LineAdmitted = usage.LineAdmitted,
        LineLeft = usage.LineLeft,
        LineExpired = usage.LineExpired,
        WaitMedianSeconds = usage.WaitMedian is { } median ? (int)median.TotalSeconds : null,
        WaitP95Seconds = usage.WaitP95 is { } p95 ? (int)p95.TotalSeconds : null,
        Limit = usage.Limit,
        LimitLowest = usage.LimitLowest,
        LimitHighest = usage.LimitHighest,
        LimitChanges = usage.LimitChanges,
        ChangedLimits = [.. usage.ChangedLimits.Select(change => new LimitChangeView { At = change.At, Limit = change.Limit })],
    };
}

/// <summary>A change of a site's limit: when it was stored, and the limit from then on (-1 unlimited, 0 closed).</summary>
public sealed record LimitChangeView
{
    public required DateTimeOffset At { get; init; }

    public required int Limit { get; init; }
}

/// <summary>A site's usage over a range, oldest first; periods without activity are left out.</summary>
public sealed record SiteUsageReportView
{
    public required string SiteId { get; init; }

    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    /// <summary>day, month or total (the whole range as one period).</summary>
    public required string Granularity { get; init; }

    public required IReadOnlyList<SiteUsageView> Periods { get; init; }
}

/// <summary>One site's figures for a month, in the report of all sites.</summary>
public sealed record SiteMonthView
{
    public required string SiteId { get; init; }

    /// <summary>Null when the site had no activity in the month.</summary>
    public SiteUsageView? Usage { get; init; }
}

/// <summary>A page of every site's usage in one month, in site id order.</summary>
public sealed record UsageMonthView
{
    /// <summary>yyyy-MM.</summary>
    public required string Month { get; init; }

    public required IReadOnlyList<SiteMonthView> Sites { get; init; }

    /// <summary>Pass as <c>cursor</c> for the next page; null on the last.</summary>
    public string? NextCursor { get; init; }
}
