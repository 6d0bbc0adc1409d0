namespace SessionGrains;

/// <summary>What happens when a newcomer finds the site (or their own per-user allowance) full.</summary>
public enum FullSitePolicy
{
    /// <summary>Refuse the newcomer.</summary>
    Deny,

    /// <summary>End the counted session with the oldest known activity, then admit the newcomer.</summary>
    EvictIdlest,
}
