namespace SessionGrains;

/// <summary>A site's settings and its live sessions at one moment.</summary>
[GenerateSerializer, Immutable]
public sealed record SiteStatus
{
    [Id(0)]
    public required string SiteId { get; init; }

    [Id(1)]
    public required SiteSettings Settings { get; init; }

    /// <summary>Counted sessions: live sessions that take a seat (exempt ones do not).</summary>
    [Id(2)]
    public required int Active { get; init; }

    /// <summary>Every live session, exempt ones included, oldest first.</summary>
    [Id(3)]
    public required IReadOnlyList<SessionInfo> Sessions { get; init; }

    /// <summary>Sign-ins refused in the last 60 minutes.</summary>
    [Id(4)]
    public required int RefusalsLastHour { get; init; }

    /// <summary>The most sessions counted at once since midnight (UTC).</summary>
    [Id(5)]
    public required int PeakToday { get; init; }
}
