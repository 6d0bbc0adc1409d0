namespace SessionGrains;

/// <summary>How a usage report groups its figures: one row per UTC day, per UTC month, or one for the whole range.</summary>
public enum UsageGranularity
{
    Day,
    Month,

    /// <summary>The whole range as one period, starting on its first day: "the last 30 days" of a site.</summary>
    Total,
}

/// <summary>
/// A site's usage over one UTC day, month or range, the evidence for pricing its limit: how close it came to the limit, how
/// long it was full and whom it turned away. Months are derived from their days (peak = the highest day, counts and
/// minutes summed, distinct users merged from the days' sketches). Periods in which the site did nothing have no row.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SiteUsage
{
    /// <summary>The first day of the period (for a month or a range, its first day even if the site began later in it).</summary>
    [Id(0)]
    public required DateOnly Start { get; init; }

    /// <summary>Days of the period with a stored row (1 for a day).</summary>
    [Id(1)]
    public required int Days { get; init; }

    /// <summary>The most sessions counted at once (exempt ones take no seat and are not counted).</summary>
    [Id(2)]
    public int PeakCounted { get; init; }

    /// <summary>Minutes during which the site was full (counted sessions at or above a limit above 0).</summary>
    [Id(3)]
    public int MinutesAtLimit { get; init; }

    /// <summary>Sessions admitted, directly or from the waiting line.</summary>
    [Id(4)]
    public int SessionsStarted { get; init; }

    /// <summary>Distinct users who started a session: an estimate (see <see cref="DistinctUsersEstimated"/>).</summary>
    [Id(5)]
    public int DistinctUsers { get; init; }

    /// <summary>
    /// True: distinct users come from a HyperLogLog sketch (4,096 registers, about 1.6% standard error; near exact for
    /// a few hundred users), for days and months alike, so a month's figure is honest without keeping its user ids.
    /// </summary>
    [Id(6)]
    public bool DistinctUsersEstimated { get; init; } = true;

    [Id(7)]
    public int RefusedSiteFull { get; init; }

    [Id(8)]
    public int RefusedSiteClosed { get; init; }

    [Id(9)]
    public int RefusedUserLimit { get; init; }

    /// <summary>Refused because the site held its most sessions at all (exempt ones included).</summary>
    [Id(10)]
    public int RefusedMaxSessions { get; init; }

    /// <summary>Sign-in attempts the site's guard refused (a blocked address or user).</summary>
    [Id(11)]
    public int GuardBlocks { get; init; }

    [Id(12)]
    public int LineJoined { get; init; }

    /// <summary>Tickets that became sessions (claimed their held seat).</summary>
    [Id(13)]
    public int LineAdmitted { get; init; }

    /// <summary>Tickets that left: their holder left, an operator removed them, or the site closed.</summary>
    [Id(14)]
    public int LineLeft { get; init; }

    /// <summary>Tickets that lapsed: not polled in time, or a held seat not claimed in time.</summary>
    [Id(15)]
    public int LineExpired { get; init; }

    /// <summary>Median wait in the line of admitted tickets, as the upper edge of its histogram bucket; null without any.</summary>
    [Id(16)]
    public TimeSpan? WaitMedian { get; init; }

    /// <summary>As <see cref="WaitMedian"/>, the 95th percentile.</summary>
    [Id(17)]
    public TimeSpan? WaitP95 { get; init; }

    /// <summary>The limit in force at the end of the period (-1 unlimited, 0 closed).</summary>
    [Id(18)]
    public int Limit { get; init; }

    /// <summary>The lowest and highest limit in force during the period.</summary>
    [Id(19)]
    public int LimitLowest { get; init; }

    [Id(20)]
    public int LimitHighest { get; init; }

    /// <summary>How often the limit changed during the period.</summary>
    [Id(21)]
    public int LimitChanges { get; init; }

    /// <summary>The changes themselves, oldest first: each day lists its first <c>UsageDay.MostChangesListed</c> (all of them but on a day of constant fiddling).</summary>
    [Id(22)]
    public IReadOnlyList<LimitChange> ChangedLimits { get; init; } = [];

    /// <summary>Every sign-in the site refused, whatever the reason (the guard's blocks apart).</summary>
    public int Refused => RefusedSiteFull + RefusedSiteClosed + RefusedUserLimit + RefusedMaxSessions;
}
