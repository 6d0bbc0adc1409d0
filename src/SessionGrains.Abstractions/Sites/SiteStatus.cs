namespace SessionGrains;

/// <summary>A site's summary and the first page of its live sessions at one moment.</summary>
[GenerateSerializer, Immutable]
public sealed record SiteStatus
{
    /// <summary>Settings and counts, as <see cref="ISiteGrain.GetSummaryAsync"/> answers them.</summary>
    [Id(0)]
    public required SiteSummary Summary { get; init; }

    /// <summary>The oldest live sessions, exempt ones included, at most <see cref="SessionPage.DefaultSize"/>, oldest first.</summary>
    [Id(1)]
    public required IReadOnlyList<SessionInfo> Sessions { get; init; }

    /// <summary>Asks <see cref="ISiteGrain.GetSessionsAsync"/> for the sessions after <see cref="Sessions"/>; null if there are none.</summary>
    [Id(2)]
    public string? NextCursor { get; init; }
}
