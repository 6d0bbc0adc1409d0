namespace SessionGrains;

/// <summary>A site's settings and counts, without its session list: cheap enough to ask every site for.</summary>
[GenerateSerializer, Immutable]
public sealed record SiteSummary
{
    [Id(0)]
    public required string SiteId { get; init; }

    [Id(1)]
    public required SiteSettings Settings { get; init; }

    /// <summary>Counted sessions: live sessions that take a seat.</summary>
    [Id(2)]
    public required int Active { get; init; }

    /// <summary>Live sessions with an exempt role: listed, but taking no seat.</summary>
    [Id(3)]
    public required int Exempt { get; init; }

    /// <summary>Sign-ins refused in the last 60 minutes.</summary>
    [Id(4)]
    public required int RefusalsLastHour { get; init; }

    /// <summary>The most sessions counted at once since midnight (UTC).</summary>
    [Id(5)]
    public required int PeakToday { get; init; }

    /// <summary>False while no operator has set the site's settings: the configured defaults apply (and an id may be a typo).</summary>
    [Id(6)]
    public bool Configured { get; init; }

    /// <summary>Tickets in the site's waiting line (<see cref="FullSitePolicy.Queue"/>).</summary>
    [Id(7)]
    public int Waiting { get; init; }
}
