namespace SessionGrains.Benchmarks.Harness;

/// <summary>How big and how long: the reference run, or the quick one CI uses to keep the harness working.</summary>
public sealed record Sizes(
    int Workers,
    TimeSpan RunLength,
    TimeSpan WarmUp,
    int Runs,
    int HotSiteLimit,
    int HalfFullSites,
    int HalfFullLimit,
    int TouchSites,
    int SessionsPerTouchSite,
    int EvictionSiteSessions,
    int[] MemorySessionCounts,
    int ExpirySessions,
    int GuardAddresses,
    int GuardUsers,
    int GuardMemoryAddresses,
    int LineLength,
    int ShortLineLength)
{
    public static Sizes Reference { get; } = new(
        Workers: 64,
        RunLength: TimeSpan.FromSeconds(5),
        WarmUp: TimeSpan.FromSeconds(10),
        Runs: 3,
        HotSiteLimit: 1_000,
        HalfFullSites: 100,
        HalfFullLimit: 100,
        TouchSites: 10,
        SessionsPerTouchSite: 1_000,
        EvictionSiteSessions: 100_000,
        MemorySessionCounts: [100_000, 1_000_000],
        ExpirySessions: 100_000,
        GuardAddresses: 100_000,
        GuardUsers: 10_000,
        GuardMemoryAddresses: 200_000,
        LineLength: 10_000,
        ShortLineLength: 100);

    public static Sizes Quick { get; } = new(
        Workers: 16,
        RunLength: TimeSpan.FromSeconds(1),
        WarmUp: TimeSpan.FromSeconds(0.5),
        Runs: 3,
        HotSiteLimit: 100,
        HalfFullSites: 10,
        HalfFullLimit: 20,
        TouchSites: 2,
        SessionsPerTouchSite: 100,
        EvictionSiteSessions: 1_000,
        MemorySessionCounts: [2_000, 10_000],
        ExpirySessions: 2_000,
        GuardAddresses: 10_000,
        GuardUsers: 1_000,
        GuardMemoryAddresses: 10_000,
        LineLength: 1_000,
        ShortLineLength: 100);
}
