namespace SessionGrains.Persistence.State;

/// <summary>
/// How many ended sessions the state store keeps for each site (configuration section <c>SessionGrains:EndedSessions</c>),
/// beside the age limit (<see cref="Grains.Sessions.ISessionEndLog.Retention"/>): whichever comes first. The records
/// only serve to tell a late request why its session ended, so a site that signs users in and out faster than a week
/// can hold costs its newest records alone, and the database stays bounded by the number of sites.
/// </summary>
public sealed class EndedSessionsOptions
{
    public const string SectionName = "SessionGrains:EndedSessions";

    /// <summary>
    /// As many as a site may hold live sessions by default (<see cref="SessionGrains.SiteSettings.DefaultMaxSessions"/>), so a full
    /// turnover of such a site is remembered; at a few hundred bytes a record with its indexes, a few MB a site.
    /// </summary>
    public const int DefaultKeptPerSite = 10_000;

    public const int MaxKeptPerSite = 10_000_000;

    /// <summary>The newest ended sessions kept per site; the older ones are deleted once the site has ended a tenth as many again.</summary>
    public int KeptPerSite { get; set; } = DefaultKeptPerSite;
}
