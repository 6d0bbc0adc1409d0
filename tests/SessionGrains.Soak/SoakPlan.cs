namespace SessionGrains.Soak;

/// <summary>What a site is set up with at the start of the soak.</summary>
/// <param name="Name">How the report calls it (its id is random, <see cref="SiteId"/>).</param>
/// <param name="OnFull">The API's value: <c>deny</c>, <c>evict-idlest</c> or <c>queue</c>.</param>
/// <param name="Guarded">Whether its clients ask the sign-in guard before a sign-in and report how it went.</param>
public sealed record SoakSite(string Name, int Limit, int IdleTimeoutSeconds, string OnFull, bool Guarded)
{
    /// <summary>The id the cluster knows it by, once configured.</summary>
    public string SiteId { get; init; } = "";

    /// <summary>A key of the site's own, as its web app would hold.</summary>
    public string Key { get; init; } = "";

    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(IdleTimeoutSeconds);

    /// <summary>
    /// The latest a session's seat may still count after the last touch the site could have heard of: its idle
    /// timeout, and half of one more of lease headroom when its silo died (docs/architecture.md, "Leases").
    /// </summary>
    public TimeSpan LeaseBound => IdleTimeout * 1.5;
}

/// <summary>One fault the soak causes, at a planned moment after the start.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL of a random silo, started again a few seconds later.</summary>
    SiloKilled,

    /// <summary>SIGTERM of a random silo (as systemd stops it), started again a few seconds later.</summary>
    SiloStopped,

    /// <summary>PostgreSQL stopped at once (connections dropped), started again a few seconds later.</summary>
    DatabaseRestarted,
}

/// <summary>The sites, the crowd and the faults of one soak of <paramref name="Length"/>.</summary>
public sealed record SoakPlan(TimeSpan Length, IReadOnlyList<SoakSite> Sites, int Visitors, IReadOnlyList<(TimeSpan At, FaultKind Kind)> Faults)
{
    /// <summary>How long a silo or the database stays down before it is started again.</summary>
    public static readonly TimeSpan Downtime = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Ten small sites and one large one, whose limits add up to fewer seats than there are visitors, so most are full most of the time; a silo
    /// fault every three minutes (a quarter of the run when shorter), kills and graceful stops taking turns, and two
    /// database restarts between them, at a third and at two thirds of the run.
    /// </summary>
    public static SoakPlan For(TimeSpan length)
    {
        SoakSite Site(int n, int limit, int idle, string onFull = "deny", bool guarded = false) =>
            new($"site {n}", limit, idle, onFull, guarded);
        IReadOnlyList<SoakSite> sites =
        [
            Site(1, 3, 30),
            Site(2, 5, 30, guarded: true),
            Site(3, 5, 45),
            Site(4, 8, 45, guarded: true),
            Site(5, 10, 60),
            Site(6, 10, 30),
            Site(7, 15, 45),
            Site(8, 20, 60, guarded: true),
            Site(9, 5, 30, onFull: "queue"),
            Site(10, 5, 30, onFull: "evict-idlest"),
            Site(11, 200, 60, guarded: true),
        ];

        var every = TimeSpan.FromTicks(Math.Clamp(length.Ticks / 4, TimeSpan.FromSeconds(30).Ticks, TimeSpan.FromMinutes(3).Ticks));
        var faults = new List<(TimeSpan, FaultKind)>();
        var kill = true;
        for (var at = every; at <= length - (every / 2); at += every)
        {
            faults.Add((at, kill ? FaultKind.SiloKilled : FaultKind.SiloStopped));
            kill = !kill;
        }

        // Half way between two silo faults, so each recovery is measured on its own.
        foreach (var third in new[] { length / 3, length * 2 / 3 })
        {
            var slot = Math.Max(1, (int)(third.Ticks / every.Ticks));
            faults.Add((every * slot + (every / 2), FaultKind.DatabaseRestarted));
        }

        return new SoakPlan(length, sites, Visitors: 400, [.. faults.Where(f => f.Item1 < length).OrderBy(f => f.Item1)]);
    }
}
