namespace SessionGrains;

/// <summary>What happens when a newcomer finds the site (or their own per-user allowance) full.</summary>
public enum FullSitePolicy
{
    /// <summary>Refuse the newcomer.</summary>
    Deny,

    /// <summary>End the counted session with the oldest known activity, then admit the newcomer.</summary>
    EvictIdlest,

    /// <summary>
    /// Give the newcomer a ticket in the site's waiting line: a freed seat goes to the first in line, and while anyone
    /// waits no newcomer takes a seat ahead of them (see <see cref="SiteSettings.MaxQueueLength"/>).
    /// </summary>
    Queue,
}
