namespace SessionGrains.Grains.Sites;

/// <summary>
/// A site's usage on one UTC day as stored: one row per site and day (<c>SessionGrainsSiteUsage</c>), its figures in
/// columns for SQL and the whole record as the row's payload. Ids are append-only: rows outlive many releases.
/// </summary>
[GenerateSerializer]
public sealed record UsageDay
{
    [Id(0)]
    public required DateOnly Day { get; init; }

    [Id(1)]
    public int PeakCounted { get; set; }

    [Id(2)]
    public int MinutesAtLimit { get; set; }

    [Id(3)]
    public int SessionsStarted { get; set; }

    /// <summary>The users who started a session, as a HyperLogLog sketch (<see cref="UserSketch"/>).</summary>
    [Id(4)]
    public byte[] Users { get; set; } = UserSketch.Empty();

    [Id(5)]
    public int RefusedSiteFull { get; set; }

    [Id(6)]
    public int RefusedSiteClosed { get; set; }

    [Id(7)]
    public int RefusedUserLimit { get; set; }

    [Id(8)]
    public int RefusedMaxSessions { get; set; }

    [Id(9)]
    public int GuardBlocks { get; set; }

    [Id(10)]
    public int LineJoined { get; set; }

    [Id(11)]
    public int LineAdmitted { get; set; }

    [Id(12)]
    public int LineLeft { get; set; }

    [Id(13)]
    public int LineExpired { get; set; }

    /// <summary>Admitted tickets per wait bucket (<see cref="WaitHistogram"/>).</summary>
    [Id(14)]
    public int[] Waits { get; set; } = WaitHistogram.Empty();

    [Id(15)]
    public int Limit { get; set; }

    [Id(16)]
    public int LimitLowest { get; set; }

    [Id(17)]
    public int LimitHighest { get; set; }

    [Id(18)]
    public int LimitChanges { get; set; }

    /// <summary>The last minute (since the Unix epoch) counted at the limit, so a restart in that minute counts it once.</summary>
    [Id(19)]
    public long LastFullMinute { get; set; } = -1;

    /// <summary>The day's first <see cref="MostChangesListed"/> changes of the limit; <see cref="LimitChanges"/> counts them all.</summary>
    [Id(20)]
    public List<LimitChange> ChangedLimits { get; set; } = [];

    /// <summary>A day lists this many changes of its limit at most, so a script changing it every second cannot grow the row.</summary>
    public const int MostChangesListed = 24;

    /// <summary>Nothing happened on this day (yet): the report shows no row for it, as for a day never stored.</summary>
    public bool IsEmpty =>
        PeakCounted == 0 && MinutesAtLimit == 0 && SessionsStarted == 0 && RefusedSiteFull == 0 && RefusedSiteClosed == 0
        && RefusedUserLimit == 0 && RefusedMaxSessions == 0 && GuardBlocks == 0 && LineJoined == 0 && LineAdmitted == 0
        && LineLeft == 0 && LineExpired == 0 && LimitChanges == 0;

    /// <summary>A copy the store may read while the site goes on changing this one.</summary>
    public UsageDay Copy() => this with { Users = [.. Users], Waits = [.. Waits], ChangedLimits = [.. ChangedLimits] };

    /// <summary>Estimated from <see cref="Users"/>, for the row's column.</summary>
    public int DistinctUsers => UserSketch.Estimate(Users);

    /// <summary>The median wait of the day's admitted tickets (<see cref="WaitHistogram"/>), for the row's column.</summary>
    public TimeSpan? WaitMedian => WaitHistogram.Quantile(Waits, 0.5);

    public TimeSpan? WaitP95 => WaitHistogram.Quantile(Waits, 0.95);
}
