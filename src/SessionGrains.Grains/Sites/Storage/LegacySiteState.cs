namespace SessionGrains.Grains.Sites.Storage;

/// <summary>
/// A site as versions before the site tables stored it: the whole site in one grain-state record (state name
/// <c>site</c>). Read once, when a site that has no row in the site tables activates, and moved into them.
/// </summary>
[GenerateSerializer]
public sealed record LegacySiteState
{
    public const string StateName = "site";

    [Id(0)]
    public SiteSettings? Settings { get; set; }

    [Id(1)]
    public Dictionary<SessionId, LiveSession> Sessions { get; set; } = [];

    [Id(2)]
    public List<EndedSession> RecentlyEnded { get; set; } = [];

    [Id(3)]
    public bool Listed { get; set; }
}
