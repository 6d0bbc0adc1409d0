namespace SessionGrains;

/// <summary>A site's summary and its live sessions at one moment.</summary>
[GenerateSerializer, Immutable]
public sealed record SiteStatus
{
    /// <summary>Settings and counts, as <see cref="ISiteGrain.GetSummaryAsync"/> answers them.</summary>
    [Id(0)]
    public required SiteSummary Summary { get; init; }

    /// <summary>Every live session, exempt ones included, oldest first.</summary>
    [Id(1)]
    public required IReadOnlyList<SessionInfo> Sessions { get; init; }
}
